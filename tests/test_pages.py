"""Every read page renders, and its query count stays the same when the data grows a hundredfold."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conferences.models import ConferenceTerritoriale
from engagements.models import Objectif
from tests import acteurs, fabriques

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/deploiement/",
    "/deploiement/?date=2013-06-30",
    "/aires/",
    "/aires/?phase=prioritaire-2013&categorie=grande&avec_conference=oui",
    "/aires/?sort=-taux",
    "/aires/?sort=phase_libelle",
    "/aires/?sort=conference_nom",
    "/aires/?sort=-nb_objectifs",
    "/aires/?date=2013-06-30&q=aire",
    "/aires/?per_page=100",
    "/aires/001/",
    "/aires/carte/",
    "/aires/carte/?mode=avancement&date=2013-06-30",
    "/aires/001/?date=2013-06-30",
    "/objectifs/",
    "/objectifs/?sort=-taux",
    "/objectifs/?sort=statut&statut=en_retard",
    "/objectifs/?sort=-realise&aire=001",
    "/objectifs/?date=2013-06-30&annee=2013&phase=prioritaire-2013",
    "/objectifs/?per_page=100000",
    "/objectifs/{objectif}/",
    "/conferences/",
    "/conferences/?sort=-nb_objectifs",
    "/conferences/?sort=etat_installation&q=conf",
    "/conferences/?per_page=50",
    "/conferences/{conference}/",
    "/rapports/",
]
# 17: the conference page also reads whether the person follows it (its « Suivre » button).
PLAFOND_REQUETES = 17


@pytest.mark.parametrize("url", PAGES)
def test_nombre_de_requetes_constant(url, admin_client, django_assert_max_num_queries):
    fabriques.jeu_de_donnees(3)
    url = url.format(
        objectif=Objectif.objects.order_by("pk").first().pk,
        conference=ConferenceTerritoriale.objects.order_by("pk").first().pk,
    )
    comptes = []
    for ajout in (None, 150):
        if ajout:
            fabriques.jeu_de_donnees(ajout, objectifs_par_aire=6, debut=100)
        cache.clear()  # both counts measure the computation, not a cached figure
        acteurs.prechauffer_alertes(get_user_model().objects.get(username="admin"))
        with CaptureQueriesContext(connection) as requetes, django_assert_max_num_queries(PLAFOND_REQUETES):
            response = admin_client.get(url)
        assert response.status_code == 200
        comptes.append(len(requetes.captured_queries))
    assert comptes[0] == comptes[1], f"{url} : {comptes[0]} requêtes avec 3 aires, {comptes[1]} avec 153"


@pytest.mark.parametrize("url", ["/aires/", "/objectifs/", "/conferences/"])
@pytest.mark.parametrize(
    "colonne",
    [
        "code",
        "nom",
        "population",
        "tension",
        "categorie",
        "nb_objectifs",
        "taux",
        "aire",
        "aire__code",
        "dispositif",
        "annee",
        "cible",
        "unite",
        "realise",
        "statut",
        "bassins",
        "aires",
        "date_installation",
        "etat_installation",
        "nb_membres",
        "nb_reunions",
        "phase_libelle",
        "conference_nom",
    ],
)
def test_tri_sur_chaque_colonne_sans_erreur(url, colonne, admin_client):
    fabriques.jeu_de_donnees(3)
    for sens in ("", "-"):
        assert admin_client.get(f"{url}?sort={sens}{colonne}").status_code == 200


def test_pagination_et_export_de_toutes_les_lignes_filtrees(admin_client):
    fabriques.jeu_de_donnees(60, objectifs_par_aire=2)
    page2 = admin_client.get("/aires/?page=2")
    assert page2.status_code == 200
    assert "Page 2 sur 3" in page2.content.decode()
    export = admin_client.get("/aires/?_export=csv&phase=prioritaire-2013")
    lignes = export.content.decode("utf-8").strip().splitlines()
    assert export["Content-Type"].startswith("text/csv")
    assert len(lignes) == 1 + 30  # header + the 30 areas in the 2013 phase, beyond the first page


def test_pages_reservees_aux_utilisateurs_connectes(client):
    for url in ["/", "/deploiement/", "/aires/", "/objectifs/", "/conferences/", "/rapports/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/comptes/connexion/")


def test_date_invalide_message_en_francais(admin_client):
    response = admin_client.get("/objectifs/?date=2013-02-30", follow=True)
    assert response.status_code == 200
    assert "pas valide : utilisez le format AAAA-MM-JJ" in response.content.decode()


def test_aire_inconnue_404(admin_client):
    assert admin_client.get("/aires/ZZZ/").status_code == 404
    assert admin_client.get("/conferences/999999/").status_code == 404


def test_exports_sans_html(admin_client):
    fabriques.jeu_de_donnees(3)
    for url in ("/aires/?_export=csv", "/objectifs/?_export=csv", "/conferences/?_export=csv"):
        contenu = admin_client.get(url).content.decode("utf-8")
        assert "<a " not in contenu and "<span" not in contenu, url

"""National and conference reports prepared by the real database worker (`manage.py db_worker`).

A request never renders them: it answers at once that the report is being prepared, the worker renders it once
for every request of the same data, and the same address then serves the file.
"""

import datetime
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from conferences.models import ConferenceTerritoriale
from engagements.models import Realisation
from partenariat.models import RapportPrepare
from partenariat.pilotage import preparation
from partenariat.roles import synchroniser_roles
from tests import fabriques
from tests.acteurs import connecte
from tests.lecture_pdf import texte_pdf, une_ligne

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/rapports/national.pdf?annee=2013"
TACHE = "partenariat.pilotage.preparation.preparer_rapport"
NB_REQUETES_DEMANDE = 21
NB_REQUETES_PRET = 7


def executer_le_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def taches():
    return DBTaskResult.objects.filter(task_path=TACHE)


@pytest.fixture(autouse=True)
def roles():
    synchroniser_roles()  # the groups of the migrations do not survive a transactional test's flush


@pytest.fixture
def lecteur(client, monde):
    return connecte(client, monde.utilisateurs["elu"])


def test_la_demande_repond_sans_rendre_puis_le_fichier_est_servi_une_fois_le_worker_passe(lecteur):
    debut = time.monotonic()
    reponse = lecteur.get(URL)
    duree = time.monotonic() - debut

    assert reponse.status_code == 202
    assert duree < 1.0
    page = reponse.content.decode()
    assert "Rapport en préparation" in page
    # Without JavaScript the page asks again by itself; with it, rapport.js follows the progress.
    rapport = RapportPrepare.objects.get()
    suivi = f"/rapports/national.pdf?annee=2013&amp;rapport={rapport.pk}"
    assert f'<noscript><meta http-equiv="refresh" content="3; url={suivi}&amp;attente=1">' in page
    assert 'src="/static/js/rapport.js"' in page
    assert rapport.etat == "en_attente" and rapport.contenu is None
    assert taches().count() == 1

    executer_le_worker()

    rapport.refresh_from_db()
    assert rapport.etat == "pret"
    assert taches().get().status == "SUCCESSFUL"
    reponse = lecteur.get(URL)
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == 'attachment; filename="rapport-national-2013.pdf"'
    assert reponse["Cache-Control"] == "private, no-store"
    assert "Rapport national d'avancement — année 2013" in une_ligne(texte_pdf(reponse.content))


def test_la_page_d_attente_annonce_le_rapport_pret_et_lance_le_telechargement(lecteur):
    lecteur.get(URL)
    suivi = f"{URL}&rapport={RapportPrepare.objects.get().pk}"
    attente = lecteur.get(suivi + "&attente=1")
    assert attente.status_code == 202
    executer_le_worker()

    pret = lecteur.get(suivi + "&attente=1")
    assert pret.status_code == 200
    page = pret.content.decode()
    lien = suivi.replace("&", "&amp;")
    assert "Votre rapport est prêt" in page
    assert f'<meta http-equiv="refresh" content="0; url={lien}">' in page
    assert f'href="{lien}" download>Télécharger rapport-national-2013.pdf</a>' in page
    assert lecteur.get(suivi)["Content-Type"] == "application/pdf"


def test_la_page_d_attente_suit_son_rapport_malgre_les_ecritures(lecteur, monde):
    """Writes made while a report is prepared do not send the waiting page after a newer version."""
    lecteur.get(URL)
    suivi = f"{URL}&rapport={RapportPrepare.objects.get().pk}"
    Realisation.objects.create(objectif=monde.objectif_lyon, quantite=3, date=datetime.date(2013, 5, 3), etat="validee")
    assert lecteur.get(suivi + "&attente=1").status_code == 202
    assert RapportPrepare.objects.count() == 1 and taches().count() == 1
    executer_le_worker()
    assert lecteur.get(suivi)["Content-Type"] == "application/pdf"
    assert lecteur.get(URL).status_code == 202  # a new request asks for today's data


def test_l_etat_en_json_pour_la_progression(lecteur):
    attendu = lecteur.get(URL, headers={"Accept": "application/json"}).json()
    assert attendu["etat"] == "en_attente" and attendu["pret"] is False
    assert attendu["libelle"] == "En attente"
    assert attendu["url"] == f"{URL}&rapport={RapportPrepare.objects.get().pk}"
    assert attendu["attendu"] is None  # never rendered yet: no duration to show progress against
    executer_le_worker()
    pret = lecteur.get(URL, headers={"Accept": "application/json"}).json()
    assert pret["pret"] is True and pret["etat"] == "pret"


def test_deux_demandes_du_meme_rapport_font_une_seule_generation(lecteur, client, monde):
    autre = connecte(type(client)(), monde.utilisateurs["uesl"])
    assert lecteur.get(URL).status_code == 202
    assert autre.get(URL).status_code == 202
    assert RapportPrepare.objects.count() == 1
    assert taches().count() == 1

    executer_le_worker()
    assert lecteur.get(URL).status_code == 200
    assert autre.get(URL).status_code == 200
    assert taches().count() == 1  # served from the prepared row, not rendered again


@pytest.mark.skipif(connection.vendor != "postgresql", reason="demandes simultanées : PostgreSQL seulement")
def test_des_demandes_simultanees_font_une_seule_generation(monde):
    barriere = threading.Barrier(6)
    erreurs = []

    def demander():
        try:
            barriere.wait(timeout=10)
            preparation.demander(preparation.Genre.NATIONAL, 2013)
        except Exception as erreur:  # reported below: a thread's exception would otherwise vanish
            erreurs.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=demander) for _ in range(6)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=30)
    assert erreurs == []
    assert RapportPrepare.objects.count() == 1
    assert taches().count() == 1


def test_une_donnee_modifiee_donne_un_nouveau_rapport_et_l_ancien_disparait(lecteur, monde):
    lecteur.get(URL)
    executer_le_worker()
    premier = RapportPrepare.objects.get()

    Realisation.objects.create(
        objectif=monde.objectif_lyon, quantite=20, date=datetime.date(2013, 5, 2), etat="validee"
    )

    assert lecteur.get(URL).status_code == 202  # the data changed: the ready file is not served any more
    assert RapportPrepare.objects.count() == 2
    executer_le_worker()
    assert list(RapportPrepare.objects.values_list("etat", flat=True)) == ["pret"]
    assert not RapportPrepare.objects.filter(pk=premier.pk).exists()
    assert lecteur.get(URL).status_code == 200
    assert taches().count() == 2


def test_chaque_langue_a_son_rapport(lecteur):
    lecteur.get(URL)
    lecteur.post("/langue/", {"language": "en", "next": "/"})
    lecteur.get(URL)
    assert set(RapportPrepare.objects.values_list("langue", flat=True)) == {"fr", "en"}
    executer_le_worker()
    assert "National progress report" in une_ligne(texte_pdf(lecteur.get(URL).content))


def test_le_rapport_d_une_conference_est_prepare_aussi(lecteur, monde):
    url = f"/rapports/conferences/{monde.lyon.pk}.pdf?en_attente=1"
    assert lecteur.get(url).status_code == 202
    executer_le_worker()
    reponse = lecteur.get(url)
    assert reponse.status_code == 200
    assert "-provisoire.pdf" in reponse["Content-Disposition"]
    assert monde.lyon.nom in une_ligne(texte_pdf(reponse.content))


def test_un_echec_se_dit_et_ne_se_relance_que_sur_demande(lecteur, monde):
    conference = fabriques.conference("Conférence éphémère")
    url = f"/rapports/conferences/{conference.pk}.pdf"
    assert lecteur.get(url).status_code == 202
    ConferenceTerritoriale.objects.filter(pk=conference.pk).delete()  # gone before the worker renders it
    executer_le_worker()

    rapport = RapportPrepare.objects.get()
    assert rapport.etat == "echec" and "DoesNotExist" in rapport.erreur
    assert taches().get().status == "FAILED"
    # The conference no longer exists: its address is not found, and nothing is queued again.
    assert lecteur.get(url).status_code == 404
    assert taches().count() == 1


def test_un_echec_propose_de_reessayer(lecteur):
    lecteur.get(URL)
    RapportPrepare.objects.update(etat="echec", erreur="OSError: disque plein")
    page = lecteur.get(URL)
    assert page.status_code == 500
    assert "Le rapport n'a pas pu être préparé" in page.content.decode()
    pk = RapportPrepare.objects.get().pk
    assert f'href="/rapports/national.pdf?annee=2013&amp;rapport={pk}&amp;reessayer=1"' in page.content.decode()
    assert lecteur.get(URL).status_code == 500 and taches().count() == 1  # no retry loop by itself

    assert lecteur.get(URL + "&reessayer=1").status_code == 202
    assert taches().count() == 2
    executer_le_worker()
    assert lecteur.get(URL).status_code == 200


def test_un_rapport_perdu_par_un_worker_arrete_est_repris(lecteur):
    lecteur.get(URL)
    RapportPrepare.objects.update(
        etat="en_cours",
        demande_le=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        commence_le=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )
    assert lecteur.get(URL).status_code == 202
    assert RapportPrepare.objects.get().etat == "en_attente"
    executer_le_worker()
    assert lecteur.get(URL).status_code == 200


def test_il_faut_etre_connecte(client, monde):
    reponse = client.get(URL)
    assert reponse.status_code == 302 and reponse["Location"].startswith("/comptes/connexion/")
    assert not RapportPrepare.objects.exists()


def test_une_demande_coute_un_nombre_fixe_de_requetes(lecteur, monde, django_assert_num_queries):
    # Session, person, data version, row, task queued, then the page; once ready, the file's bytes instead.
    with django_assert_num_queries(NB_REQUETES_DEMANDE):
        assert lecteur.get(URL).status_code == 202
    executer_le_worker()
    with django_assert_num_queries(NB_REQUETES_PRET):
        assert lecteur.get(URL).status_code == 200


def _modifier_l_aire(monde):
    monde.aire_lyon.nom = "Lyon et Villeurbanne"
    monde.aire_lyon.save()


def _entrer_en_phase(monde):
    from aires_urbaines.models import EntreePhase

    entree = EntreePhase.objects.filter(aire=monde.aire_lyon).first()
    if entree is None:
        EntreePhase.objects.create(aire=monde.aire_lyon, phase=fabriques.phase(), date_entree=datetime.date(2013, 3, 1))
    else:
        entree.date_entree = entree.date_entree + datetime.timedelta(days=1)
        entree.save()


def _clore_l_annee(monde):
    from django.utils import timezone

    from engagements.models import ClotureAnnee

    ClotureAnnee.objects.create(annee=2013, close_le=timezone.now())


def _renommer_une_clause(monde):
    from partenariat.models import Clause

    clause = Clause.objects.first()
    clause.titre = clause.titre + " (révisée)"
    clause.save()


@pytest.fixture
def clause():
    from partenariat.models import Clause

    if not Clause.objects.exists():
        Clause.objects.create(
            protocole=fabriques.protocole(), numero=1, code="deploiement", titre="Déployer", texte="Déployer."
        )


def _lier_une_aire(monde):
    monde.marseille.aires.add(monde.aire_lyon)


def _inscrire_par_lot(monde):
    from aires_urbaines.services import inscrire_aires_dans_phase

    nouvelle = fabriques.aire("950", "Aire nouvelle")
    phase = fabriques.phase()
    inscrire_aires_dans_phase(phase, {nouvelle: phase.date_debut})


@pytest.mark.parametrize(
    "ecriture",
    [_modifier_l_aire, _entrer_en_phase, _clore_l_annee, _renommer_une_clause, _lier_une_aire, _inscrire_par_lot],
    ids=["aire", "entree-en-phase", "cloture", "clause", "conference-aires", "inscription-par-lot"],
)
def test_toute_ecriture_montree_par_un_rapport_en_fait_un_nouveau(lecteur, monde, clause, ecriture):
    lecteur.get(URL)
    executer_le_worker()
    assert lecteur.get(URL).status_code == 200
    ecriture(monde)
    assert lecteur.get(URL).status_code == 202


def test_un_rapport_termine_en_retard_n_efface_pas_le_plus_recent(lecteur, monde):
    """Two workers: the older version finishing last must not delete the newer one, ready before it."""
    lecteur.get(URL)
    ancien = RapportPrepare.objects.get()
    RapportPrepare.objects.filter(pk=ancien.pk).update(etat="en_cours")  # taken by a first worker, slow
    Realisation.objects.create(objectif=monde.objectif_lyon, quantite=4, date=datetime.date(2013, 5, 4), etat="validee")
    lecteur.get(URL)
    recent = RapportPrepare.objects.exclude(pk=ancien.pk).get()
    preparation.preparer_rapport.call(recent.pk)  # a second worker renders the newer version first
    assert RapportPrepare.objects.filter(pk=ancien.pk).exists()  # still being rendered: not purged
    RapportPrepare.objects.filter(pk=ancien.pk).update(etat="en_attente")
    preparation.preparer_rapport.call(ancien.pk)  # then the first one finishes
    assert RapportPrepare.objects.get(pk=recent.pk).etat == "pret"
    assert lecteur.get(URL)["Content-Type"] == "application/pdf"


def test_pendant_les_saisies_une_seule_preparation_attend_par_rapport(lecteur, monde):
    """Staff keep writing while officials ask: a version not yet started serves the later requests too."""
    for jour in range(1, 6):
        lecteur.get(URL)
        Realisation.objects.create(
            objectif=monde.objectif_lyon, quantite=1, date=datetime.date(2013, 6, jour), etat="validee"
        )
    assert RapportPrepare.objects.count() == 1 and taches().count() == 1
    executer_le_worker()
    assert lecteur.get(f"{URL}&rapport={RapportPrepare.objects.get().pk}")["Content-Type"] == "application/pdf"


def test_un_nom_de_conference_tres_long_donne_son_rapport(lecteur, monde):
    conference = fabriques.conference("Conférence territoriale " + "très " * 33 + "longue")
    url = f"/rapports/conferences/{conference.pk}.pdf?en_attente=1"
    lecteur.get(url)
    executer_le_worker()
    reponse = lecteur.get(url)
    assert reponse.status_code == 200
    assert len(RapportPrepare.objects.get().nom_fichier) > 200


@pytest.mark.parametrize("url", ["/rapports/aires/002.pdf", "/rapports/conferences/1.pdf", URL + "&attente=1"])
def test_il_faut_etre_connecte_pour_chaque_rapport(client, monde, url):
    for entetes in ({}, {"Accept": "application/json"}):
        reponse = client.get(url, headers=entetes)
        assert reponse.status_code == 302 and reponse["Location"].startswith("/comptes/connexion/")
    assert not RapportPrepare.objects.exists()


def test_les_reponses_ne_se_remplacent_pas_dans_le_cache_du_navigateur(lecteur):
    for entetes in ({}, {"Accept": "application/json"}):
        reponse = lecteur.get(URL, headers=entetes)
        assert "Accept" in reponse["Vary"]
        assert "no-store" in reponse["Cache-Control"]
    executer_le_worker()
    assert "Accept" in lecteur.get(URL)["Vary"]

"""Target revisions: the initial target stays, each revision keeps its reason, author and date, and shows wherever
the target does (objective page, history, lists and exports, area and conference pages, national report)."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagements import services
from engagements.models import Objectif, RevisionCible
from partenariat.pilotage.reports import html_national, render_national_pdf
from tests import acteurs
from tests.acteurs import DISPOSITIF_LIBRE, ROLES, connecte
from tests.lecture_pdf import lire_pdf, texte_pdf, une_ligne
from tests.test_html_valide import commande_vnu, erreurs_vnu  # noqa: F401 (the checker's fixture)

pytestmark = pytest.mark.django_db

MOTIF = "Opération de 30 logements reportée à 2014 (permis de construire annulé)."
FIN_2013 = datetime.date(2013, 12, 31)


def etat_de_la_base():
    """The shared snapshot, with the revisions and the objectives' initial targets and history."""
    return {
        **acteurs.etat_de_la_base(),
        "cibles_initiales": sorted(Objectif.objects.values_list("pk", "cible_initiale")),
        "revisions": sorted(RevisionCible.objects.values_list("pk", "objectif", "ancienne_cible", "nouvelle_cible")),
        "historique": Objectif.history.count(),
    }


def donnees_edition(objectif, **valeurs):
    """What the edit form posts for `objectif` as stored, with `valeurs` changed."""
    return {
        "aire": objectif.aire_id,
        "conference": objectif.conference_id or "",
        "dispositif": objectif.dispositif,
        "annee": str(objectif.annee),
        "cible": str(objectif.cible),
        "unite": objectif.unite,
        "date_accord": objectif.date_accord.isoformat() if objectif.date_accord else "",
        "notes": objectif.notes,
        "version": str(objectif.version),
        **valeurs,
    }


def url_edition(objectif):
    return reverse("engagements:objectif_edit", args=[objectif.pk])


def reviser_par_la_page(client, objectif, cible, motif):
    return client.post(url_edition(objectif), donnees_edition(objectif, cible=str(cible), motif_revision=motif))


@pytest.fixture
def objectif_120(monde):
    """A Lyon objective of 120 dwellings, agreed by Lyon's conference."""
    return Objectif.objects.create(
        aire=monde.aire_lyon, conference=monde.lyon, dispositif=DISPOSITIF_LIBRE, annee=2014, cible=120
    )


# --- Recording a revision ---------------------------------------------------------------------------------------


def test_une_revision_garde_la_cible_initiale_et_retient_motif_auteur_et_date(client, monde):
    secretariat = monde.utilisateurs["secretariat"]
    connecte(client, secretariat)
    avant = timezone.now()

    reponse = reviser_par_la_page(client, monde.objectif_lyon, 90, f"  {MOTIF}  ")

    assert reponse.status_code == 302
    objectif = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    assert (objectif.cible, objectif.cible_initiale, objectif.version) == (90, 100, 2)
    assert objectif.cible_revisee
    (revision,) = RevisionCible.objects.filter(objectif=objectif)
    assert (revision.ancienne_cible, revision.nouvelle_cible, revision.motif) == (100, 90, MOTIF)
    assert revision.revisee_par == secretariat
    assert avant <= revision.revisee_le <= timezone.now()
    derniere = objectif.history.order_by("-history_date", "-history_id").first()
    assert (derniere.history_user, derniere.history_change_reason, derniere.cible) == (secretariat, MOTIF, 90)

    # A second revision, back up: the initial target is still the first one agreed.
    objectif.refresh_from_db()
    assert reviser_par_la_page(client, objectif, 110, "Nouvelle opération ajoutée.").status_code == 302
    objectif.refresh_from_db()
    assert (objectif.cible, objectif.cible_initiale) == (110, 100)
    assert list(objectif.revisions.values_list("ancienne_cible", "nouvelle_cible")) == [(100, 90), (90, 110)]


@pytest.mark.parametrize("motif", ["", "   \n  "])
def test_sans_motif_la_revision_est_refusee_en_francais_et_rien_n_est_enregistre(client, monde, objectif_120, motif):
    connecte(client, monde.utilisateurs["secretariat"])
    avant = etat_de_la_base()

    reponse = reviser_par_la_page(client, objectif_120, 90, motif)

    assert reponse.status_code == 200
    assert reponse.context["form"].errors["motif_revision"] == [
        "Indiquez le motif de la révision de la cible : elle passe de 120 à 90."
    ]
    assert "Indiquez le motif de la révision de la cible : elle passe de 120 à 90." in reponse.content.decode()
    assert 'name="cible" value="90"' in reponse.content.decode()  # the input is kept
    assert etat_de_la_base() == avant


def test_sans_changement_de_cible_aucun_motif_n_est_demande(client, monde):
    connecte(client, monde.utilisateurs["uesl"])
    reponse = client.post(url_edition(monde.objectif_lyon), donnees_edition(monde.objectif_lyon, notes="Précisé"))
    assert reponse.status_code == 302
    objectif = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    assert (objectif.notes, objectif.cible, objectif.cible_initiale) == ("Précisé", 100, 100)
    assert not RevisionCible.objects.exists()
    assert objectif.history.order_by("-history_date").first().history_change_reason is None


def test_le_service_refuse_aussi_une_revision_sans_motif(monde):
    """Whatever the caller (a script, a future API), the rule holds where the row is locked."""
    objectif = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    objectif.cible = 70
    avant = etat_de_la_base()
    with pytest.raises(services.ErreurEngagement, match="elle passe de 100 à 70"):
        services.modifier_objectif(objectif, monde.utilisateurs["uesl"], 1)
    assert etat_de_la_base() == avant


def test_la_cible_initiale_ne_change_jamais_par_le_service(monde):
    objectif = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    objectif.cible_initiale = 5  # not editable: whatever the caller sets is ignored
    services.reviser_cible(objectif, 80, MOTIF, monde.utilisateurs["uesl"])
    assert Objectif.objects.values_list("cible", "cible_initiale").get(pk=objectif.pk) == (80, 100)


def test_reviser_cible_depuis_le_code_et_version_perimee(monde):
    """The demo revises a target from code, with a user and a reason; a stale version is refused."""
    uesl = monde.utilisateurs["uesl"]
    objectif = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    services.reviser_cible(objectif, 60, MOTIF, uesl)
    revision = RevisionCible.objects.get(objectif=objectif)
    assert (revision.ancienne_cible, revision.nouvelle_cible, revision.revisee_par) == (100, 60, uesl)

    perime = Objectif.objects.get(pk=objectif.pk)
    with pytest.raises(services.ErreurEngagement, match="modifié par quelqu'un d'autre"):
        services.reviser_cible(perime, 50, "Autre motif", uesl, version=1)
    assert RevisionCible.objects.count() == 1
    assert Objectif.objects.get(pk=objectif.pk).cible == 60


def test_un_long_motif_est_garde_entier_et_l_historique_en_garde_le_debut(monde):
    """The history's reason column holds 100 characters (PostgreSQL enforces it): the revision keeps it all."""
    long_motif = "Programme réduit : " + "opération reportée, " * 20
    objectif = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    services.reviser_cible(objectif, 75, long_motif, monde.utilisateurs["uesl"])
    assert RevisionCible.objects.get(objectif=objectif).motif == long_motif.strip()
    raison = objectif.history.order_by("-history_date").first().history_change_reason
    assert len(raison) == 100 and raison.endswith("…") and long_motif.startswith(raison[:-1])


def test_formulaire_perime_le_conflit_passe_avant_le_motif(monde):
    """Someone revised the target meanwhile: the user sees what changed, then is asked for a reason to change it."""
    uesl = connecte(Client(), monde.utilisateurs["uesl"])
    secretariat = connecte(Client(), monde.utilisateurs["secretariat"])
    lu = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    assert reviser_par_la_page(uesl, lu, 90, MOTIF).status_code == 302

    perime = secretariat.post(url_edition(lu), donnees_edition(lu, notes="Ma saisie"))  # still says 100
    assert perime.status_code == 200
    contenu = perime.content.decode()
    assert "a été modifié par quelqu&#x27;un d&#x27;autre" in contenu
    assert "Cible : 100 → 90 (modifié par uesl-test le " in contenu
    assert "Indiquez le motif" not in contenu

    # Confirming 100 now would revise the target back: a reason is asked for.
    confirmation = secretariat.post(url_edition(lu), donnees_edition(lu, notes="Ma saisie", version="2"))
    assert confirmation.context["form"].errors["motif_revision"] == [
        "Indiquez le motif de la révision de la cible : elle passe de 90 à 100."
    ]
    assert Objectif.objects.get(pk=lu.pk).cible == 90


def test_a_la_creation_pas_de_motif_et_la_cible_est_l_initiale(client, monde):
    connecte(client, monde.utilisateurs["secretariat"])
    formulaire = client.get(reverse("engagements:objectif_add")).content.decode()
    assert 'name="motif_revision"' not in formulaire
    assert 'name="motif_revision"' in client.get(url_edition(monde.objectif_lyon)).content.decode()
    donnees = {
        "aire": monde.aire_lyon.pk,
        "conference": monde.lyon.pk,
        "dispositif": DISPOSITIF_LIBRE,
        "annee": "2015",
        "cible": "45",
        "unite": "logements",
        "motif_revision": "ignoré",
    }
    assert client.post(reverse("engagements:objectif_add"), donnees).status_code == 302
    cree = Objectif.objects.get(dispositif=DISPOSITIF_LIBRE, annee=2015)
    assert (cree.cible, cree.cible_initiale, cree.revisions.count()) == (45, 45, 0)


def test_le_taux_utilise_la_cible_actuelle(monde):
    """30 achieved of 100 is 30 %; once the target is revised to 60, it is 50 %."""

    def taux():
        return Objectif.objects.avec_avancement(FIN_2013).get(pk=monde.objectif_lyon.pk).taux

    assert taux() == pytest.approx(30.0)
    services.reviser_cible(Objectif.objects.get(pk=monde.objectif_lyon.pk), 60, MOTIF, monde.utilisateurs["uesl"])
    assert taux() == pytest.approx(50.0)
    totaux = Objectif.objects.filter(pk=monde.objectif_lyon.pk).avec_avancement(FIN_2013).totaux()
    assert (totaux["cible_totale"], totaux["realise_total"]) == (60, 30)


# --- Permissions: who may revise --------------------------------------------------------------------------------

REVISEURS = {"secretariat", "uesl", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_matrice_de_la_revision_par_la_page(role, monde):
    client = connecte(Client(), monde.utilisateurs[role])
    avant = etat_de_la_base()
    reponse = reviser_par_la_page(client, monde.objectif_lyon, 90, MOTIF)
    if role in REVISEURS:
        assert reponse.status_code == 302
        objectif = Objectif.objects.get(pk=monde.objectif_lyon.pk)
        assert (objectif.cible, objectif.cible_initiale) == (90, 100)
        assert RevisionCible.objects.get(objectif=objectif).revisee_par == monde.utilisateurs[role]
        return
    if role == "anonyme":
        assert reponse.status_code == 302
        assert reponse["Location"].startswith("/comptes/connexion/")
    else:
        assert reponse.status_code == 403
    assert etat_de_la_base() == avant


@pytest.mark.parametrize("role", ["elu", "secretariat_autre"])
def test_le_service_refuse_la_revision_a_qui_ne_peut_pas_modifier_l_objectif(role, monde):
    objectif = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    avant = etat_de_la_base()
    with pytest.raises(PermissionDenied):
        services.reviser_cible(objectif, 90, MOTIF, monde.utilisateurs[role])
    assert etat_de_la_base() == avant


def test_le_secretariat_ne_revise_pas_un_objectif_d_une_autre_conference_en_le_deplacant(monde):
    """The stored objective is checked too, not only the values the caller brings."""
    objectif = Objectif.objects.get(pk=monde.objectif_marseille.pk)
    objectif.aire, objectif.conference = monde.aire_lyon, monde.lyon  # made to look like Lyon's
    avant = etat_de_la_base()
    with pytest.raises(PermissionDenied):
        services.reviser_cible(objectif, 10, MOTIF, monde.utilisateurs["secretariat"])
    assert etat_de_la_base() == avant


# --- Where a revision shows -------------------------------------------------------------------------------------


@pytest.fixture
def revise(monde):
    """Lyon's objective revised from 100 to 90 by Lyon's secretariat."""
    objectif = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    services.reviser_cible(objectif, 90, MOTIF, monde.utilisateurs["secretariat"])
    return objectif


def test_la_page_de_l_objectif_montre_cibles_revisions_et_historique(client, monde, revise):
    connecte(client, monde.utilisateurs["elu"])
    page = client.get(revise.get_absolute_url()).content.decode()
    assert "<dt>Cible initiale</dt><dd>100 logements</dd>" in page
    assert "<dt>Cible actuelle</dt><dd>90 logements <small>(révisée 1 fois, voir ci-dessous)</small></dd>" in page
    revisions = page.split('id="titre-revisions"')[1].split("</section>")[0]
    date = timezone.localtime(RevisionCible.objects.get().revisee_le).strftime("%d/%m/%Y")
    assert f">{date}</time></td><td>secretariat-lyon</td>" in revisions
    assert '<td class="nombre">100</td><td class="nombre">90</td>' in revisions
    assert MOTIF in revisions
    historique = page.split('id="titre-historique"')[1]
    assert f"<strong>secretariat-lyon</strong> — Modification <small>({MOTIF})</small>" in historique
    assert "<del>100</del> → <ins>90</ins>" in historique


def test_sans_revision_la_page_montre_une_seule_cible(client, monde):
    connecte(client, monde.utilisateurs["elu"])
    page = client.get(monde.objectif_lyon.get_absolute_url()).content.decode()
    assert "<dt>Cible</dt><dd>100 logements</dd>" in page
    assert "Cible initiale" not in page and "titre-revisions" not in page


def test_la_page_de_l_objectif_en_nombre_de_requetes_constant(client, monde, revise, django_assert_max_num_queries):
    connecte(client, monde.utilisateurs["uesl"])
    acteurs.prechauffer_alertes(monde.utilisateurs["uesl"])

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(revise.get_absolute_url()).status_code == 200
        return len(requetes.captured_queries)

    une = compter()
    for rang in range(4):
        objectif = Objectif.objects.get(pk=revise.pk)
        services.reviser_cible(objectif, 91 + rang, f"Motif {rang}", monde.utilisateurs[["uesl", "admin"][rang % 2]])
    with django_assert_max_num_queries(une):
        assert client.get(revise.get_absolute_url()).status_code == 200
    assert compter() == une


def test_la_liste_et_ses_exports_ont_la_cible_initiale(client, monde, revise):
    connecte(client, monde.utilisateurs["elu"])
    page = client.get(reverse("engagements:objectif_list")).content.decode()
    assert ">Cible initiale</" in page
    reponse = client.get(reverse("engagements:objectif_list") + "?_export=csv")
    lignes = list(csv.DictReader(io.StringIO(reponse.content.decode("utf-8-sig"))))
    (lyon,) = [ligne for ligne in lignes if ligne["Code aire"] == "002"]
    assert (lyon["Cible"], lyon["Cible initiale"]) == ("90", "100")
    entetes = list(lignes[0])
    assert entetes.index("Cible initiale") == entetes.index("Cible") + 1

    import openpyxl

    classeur = client.get(reverse("engagements:objectif_list") + "?_export=xlsx").content
    feuille = openpyxl.load_workbook(io.BytesIO(classeur)).active
    entetes = [cellule.value for cellule in feuille[1]]
    valeurs = [ligne[entetes.index("Cible initiale")] for ligne in feuille.iter_rows(min_row=2)]
    assert sorted(c.value for c in valeurs) == [80, 100] and all(c.data_type == "n" for c in valeurs)


def test_les_pages_de_l_aire_et_de_la_conference_signalent_la_cible_revisee(client, monde, revise):
    connecte(client, monde.utilisateurs["elu"])
    for url in (monde.aire_lyon.get_absolute_url(), monde.lyon.get_absolute_url()):
        page = client.get(url).content.decode()
        assert ">90 / 30</a>" in page, url
        assert '<small class="cible-revisee">cible révisée, initiale 100</small>' in page, url
    marseille = client.get(monde.aire_marseille.get_absolute_url()).content.decode()
    assert "cible révisée" not in marseille


def test_le_rapport_national_liste_les_revisions_avec_leur_motif(monde, revise):
    texte = une_ligne(texte_pdf(render_national_pdf(2013)[1]))
    assert "Cibles révisées" in texte
    section = texte.split("Révision de cible des objectifs de l'année 2013 (1)")[1]
    assert "Lyon (002) Production de logements sociaux 2013 100 90" in section
    assert "→ 90" in section and "100 → 90" in section
    assert "Opération de 30 logements reportée à 2014" in section

    # Another year's report has none.
    texte_2014 = une_ligne(texte_pdf(render_national_pdf(2014)[1]))
    assert "Aucune cible n'a été révisée pour l'année 2014." in texte_2014


def test_la_section_du_rapport_national_est_accessible_et_ses_nombres_groupes(monde):
    """Each header cell of the revisions table carries its scope; targets are written as every number of the report."""
    from tests.partenariat.test_pdf_structure import elements_de_structure, entetes_html

    grand = Objectif.objects.create(aire=monde.aire_marseille, dispositif=DISPOSITIF_LIBRE, annee=2013, cible=12000)
    services.reviser_cible(grand, 9500, "Programme de 12000 logements ramené à 9500.", monde.utilisateurs["uesl"])
    html = html_national(2013)
    section = html.split('id="revisions"')[1].split("</section>")[0]
    assert [scope for _groupe, scope in entetes_html(section)] == ["col"] * 7 + ["row"]
    contenu = render_national_pdf(2013)[1]
    texte = une_ligne(texte_pdf(contenu))
    assert "12\u202f000 9\u202f500" in texte
    assert "12\u202f000 → 9\u202f500" in texte
    assert "Programme de 12\u202f000 logements ramené à 9\u202f500." in texte
    entetes = [e for e, _parent in elements_de_structure(lire_pdf(contenu)) if e["/S"] == "/TH"]
    assert entetes and all("/Scope" in e["/A"] for e in entetes)


def test_les_pages_d_une_cible_revisee_sont_du_html_valide(commande_vnu, client, monde, revise, tmp_path):  # noqa: F811
    connecte(client, monde.utilisateurs["secretariat"])
    refus = reviser_par_la_page(client, Objectif.objects.get(pk=revise.pk), 70, "")
    assert refus.status_code == 200
    pages = {
        "fiche": client.get(revise.get_absolute_url()).content.decode(),
        "formulaire": client.get(url_edition(revise)).content.decode(),
        "refus sans motif": refus.content.decode(),
        "aire": client.get(monde.aire_lyon.get_absolute_url()).content.decode(),
        "conférence": client.get(monde.lyon.get_absolute_url()).content.decode(),
    }
    assert erreurs_vnu(commande_vnu, pages, tmp_path) == []


# --- Administration ---------------------------------------------------------------------------------------------


def test_l_administration_ne_revise_pas_la_cible_en_silence(admin_client, monde):
    objectif = monde.objectif_lyon
    url = reverse("admin:engagements_objectif_change", args=[objectif.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="cible"' not in page
    assert reverse("engagements:objectif_edit", args=[objectif.pk]) in page
    donnees = {
        "aire": objectif.aire_id,
        "conference": objectif.conference_id,
        "dispositif": objectif.dispositif,
        "annee": "2013",
        "cible": "10",
        "unite": "logements",
        "notes": "Note de l'administration",
        "date_accord": "",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "realisations-TOTAL_FORMS": "0",
        "realisations-INITIAL_FORMS": "0",
    }
    reponse = admin_client.post(url, donnees)
    assert reponse.status_code == 302, reponse.content.decode()[-2000:]
    stocke = Objectif.objects.get(pk=objectif.pk)
    assert (stocke.cible, stocke.cible_initiale, stocke.notes) == (100, 100, "Note de l'administration")
    assert not RevisionCible.objects.exists()


def test_l_administration_ne_ramene_pas_une_ancienne_cible_par_l_historique(admin_client, monde, revise):
    """Reverting to an old version through the history would restore the old target without a reason."""
    initiale = revise.history.order_by("history_date", "history_id").first()
    assert initiale.cible == 100
    url = reverse("admin:engagements_objectif_simple_history", args=[revise.pk, initiale.history_id])
    donnees = {
        "aire": revise.aire_id,
        "conference": revise.conference_id,
        "dispositif": revise.dispositif,
        "annee": "2013",
        "unite": "logements",
        "notes": "Rétabli",
        "date_accord": "",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "realisations-TOTAL_FORMS": "0",
        "realisations-INITIAL_FORMS": "0",
    }
    reponse = admin_client.post(url, donnees, follow=True)
    assert "La cible n&#x27;a pas été modifiée : révisez-la depuis le formulaire de l&#x27;objectif" in (
        reponse.content.decode()
    )
    assert Objectif.objects.values_list("cible", "cible_initiale", "notes").get(pk=revise.pk) == (90, 100, "Rétabli")
    assert RevisionCible.objects.count() == 1

"""Closing a year: refused while its figures are pending; then every write path to its achievements and targets is
refused with a French message and the database left as it was; reopening needs an administrator and a reason."""

import datetime
import html
import threading
import uuid

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagements import services
from engagements.imports import analyser_fichier
from engagements.models import AnneeClose, ClotureAnnee, Objectif, Realisation
from partenariat.commun.saisie import ErreurMetier
from partenariat.pilotage.reports import render_aire_pdf, render_conference_pdf, render_national_pdf
from partenariat.roles import synchroniser_roles
from tests import acteurs, fabriques
from tests.lecture_pdf import texte_pdf, une_ligne
from tests.test_html_valide import commande_vnu, erreurs_vnu  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

MESSAGE = (
    "L'année 2013 est close depuis le 31/01/2016 : ses réalisations ne peuvent plus être saisies, modifiées, "
    "supprimées, importées ni validées."
)
MENTION = "année close le 31 janvier 2016"
CLOSE_LE = timezone.make_aware(datetime.datetime(2016, 1, 31, 10, 0))


def clore(monde, annee=2013):
    """Close `annee` as UESL staff, dated 31 January 2016 so that messages can be read whole."""
    services.cloturer_annee(annee, monde.utilisateurs["uesl"])
    ClotureAnnee.objects.filter(annee=annee).update(close_le=CLOSE_LE)


def etat():
    return {
        **acteurs.etat_de_la_base(),
        "realisations_completes": sorted(
            Realisation.objects.values_list("pk", "objectif", "quantite", "date", "etat", "version", "commentaire")
        ),
        "historique": (Realisation.history.count(), Objectif.history.count()),
        "cumuls": sorted(Objectif.objects.values_list("pk", "realise_cumule", "nb_realisations", "nb_en_attente")),
    }


def texte(reponse):
    """The page as a reader sees it (entities decoded)."""
    return html.unescape(reponse.content.decode())


def messages_de(reponse):
    return " ".join(str(m) for m in get_messages(reponse.wsgi_request))


@pytest.fixture
def close(monde):
    """The world with 2013 closed, and an objective of 2014 (open) with one validated achievement."""
    monde.objectif_2014 = fabriques.objectif(monde.aire_lyon, 2014, 50, conference=monde.lyon)
    monde.realisation_2014 = fabriques.realisation(monde.objectif_2014, 5, datetime.date(2014, 3, 1))
    clore(monde)
    return monde


# --- Closing ----------------------------------------------------------------------------------------------------


def test_la_cloture_est_refusee_tant_que_des_realisations_sont_en_attente(monde):
    uesl = monde.utilisateurs["uesl"]
    fabriques.realisation(monde.objectif_lyon, 3, datetime.date(2013, 5, 1), etat="soumise")
    fabriques.realisation(monde.objectif_marseille, 4, datetime.date(2013, 5, 2), etat="soumise")
    renvoyee = fabriques.realisation(monde.objectif_lyon, 5, datetime.date(2013, 5, 3), etat="renvoyee")
    with pytest.raises(ErreurMetier) as refus:
        services.cloturer_annee(2013, uesl)
    assert refus.value.message == "Impossible de clore 2013 : 3 réalisations sont en attente de validation."
    assert refus.value.details == [
        "2 réalisations soumises à valider.",
        "1 réalisation renvoyée, pas encore corrigée.",
    ]
    assert not ClotureAnnee.objects.exists()

    # Settled (validated, or the returned one withdrawn), the year closes.
    Realisation.objects.filter(etat="soumise").update(etat="validee")
    renvoyee.delete()
    cloture = services.cloturer_annee(2013, uesl)
    assert (cloture.annee, cloture.close, cloture.close_par) == (2013, True, uesl)
    assert ClotureAnnee.objects.annees_closes() == {2013}
    assert cloture.history.get().history_user == uesl


def test_une_annee_close_ne_se_clot_pas_deux_fois_et_hors_periode_est_refusee(close):
    with pytest.raises(ErreurMetier, match="L'année 2013 est déjà close."):
        services.cloturer_annee(2013, close.utilisateurs["uesl"])
    with pytest.raises(ErreurMetier, match="période du protocole"):
        services.cloturer_annee(2016, close.utilisateurs["uesl"])
    assert ClotureAnnee.history.count() == 1


def test_les_annees_d_attente_ne_bloquent_que_leur_annee(monde):
    objectif_2014 = fabriques.objectif(monde.aire_lyon, 2014, 50)
    fabriques.realisation(objectif_2014, 3, datetime.date(2014, 5, 1), etat="soumise")
    services.cloturer_annee(2013, monde.utilisateurs["uesl"])
    with pytest.raises(ErreurMetier, match="Impossible de clore 2014 : 1 réalisation est en attente"):
        services.cloturer_annee(2014, monde.utilisateurs["uesl"])


def test_ni_un_secretariat_ni_un_elu_ne_closent(monde):
    for role in ("secretariat", "elu"):
        with pytest.raises(PermissionDenied):
            services.cloturer_annee(2013, monde.utilisateurs[role])
    assert not ClotureAnnee.objects.exists()


# --- Every write path refused once closed -----------------------------------------------------------------------


def test_le_formulaire_de_saisie_refuse_avec_le_message(client, close):
    avant = etat()
    client.force_login(close.utilisateurs["secretariat"])
    reponse = client.post(
        reverse("engagements:realisation_add", args=[close.objectif_lyon.pk]),
        {"date": "2013-06-01", "quantite": "7", "commentaire": "Tardive"},
    )
    assert reponse.status_code == 200
    assert MESSAGE in texte(reponse)
    assert etat() == avant


def test_le_formulaire_de_correction_refuse_avec_le_message(client, close):
    avant = etat()
    client.force_login(close.utilisateurs["uesl"])
    reponse = client.post(
        reverse("engagements:realisation_edit", args=[close.realisation_lyon.pk]),
        {"date": "2013-04-01", "quantite": "31", "commentaire": "Corrigée"},
    )
    assert reponse.status_code == 200
    assert MESSAGE in texte(reponse)
    assert etat() == avant


def test_le_service_et_le_modele_refusent(close):
    avant = etat()
    nouvelle = Realisation(objectif=close.objectif_lyon, date=datetime.date(2013, 6, 1), quantite=7)
    with pytest.raises(AnneeClose) as refus:
        services.enregistrer_realisation(nouvelle, close.utilisateurs["uesl"])
    assert refus.value.message == MESSAGE
    assert nouvelle.pk is None and nouvelle._state.adding  # the instance is unsaved again
    existante = Realisation.objects.get(pk=close.realisation_lyon.pk)
    existante.quantite, version = 99, existante.version
    with pytest.raises(AnneeClose):
        existante.save()
    assert existante.version == version
    with pytest.raises(AnneeClose):
        existante.delete()
    assert existante.pk == close.realisation_lyon.pk
    assert etat() == avant


def test_une_realisation_ne_quitte_ni_ne_rejoint_une_annee_close(close):
    avant = etat()
    entree = Realisation.objects.get(pk=close.realisation_2014.pk)
    entree.objectif = close.objectif_lyon
    with pytest.raises(AnneeClose, match="L'année 2013 est close"):
        entree.save()
    sortie = Realisation.objects.get(pk=close.realisation_lyon.pk)
    sortie.objectif = close.objectif_2014
    with pytest.raises(AnneeClose):
        sortie.save()
    with pytest.raises(AnneeClose):
        Realisation.objects.filter(pk=close.realisation_2014.pk).update(objectif=close.objectif_lyon)
    with pytest.raises(AnneeClose):
        Realisation.objects.filter(pk=close.realisation_lyon.pk).update(objectif_id=close.objectif_2014.pk)
    assert etat() == avant


def test_les_ecritures_en_masse_refusent(close):
    avant = etat()
    nouvelles = [
        Realisation(objectif=close.objectif_2014, date=datetime.date(2014, 6, 1), quantite=1),
        Realisation(objectif=close.objectif_lyon, date=datetime.date(2013, 6, 1), quantite=2),
    ]
    with pytest.raises(AnneeClose):
        Realisation.objects.bulk_create(nouvelles)
    assert all(r.pk is None for r in nouvelles)
    tout = Realisation.objects.all()
    with pytest.raises(AnneeClose):
        tout.update(quantite=1)
    with pytest.raises(AnneeClose):
        tout.update(commentaire="Sans effet sur les chiffres, mais l'année est close")
    with pytest.raises(AnneeClose):
        tout.update(etat="soumise")
    with pytest.raises(AnneeClose):
        tout.delete()
    assert etat() == avant
    # The open year is untouched by the closing.
    Realisation.objects.filter(objectif=close.objectif_2014).update(quantite=6)
    assert Objectif.objects.get(pk=close.objectif_2014.pk).realise_cumule == 6


def test_une_ecriture_lit_les_clotures_une_fois_quel_que_soit_le_nombre_de_lignes(close):
    lignes = [Realisation(objectif=close.objectif_2014, date=datetime.date(2014, 6, 1), quantite=1) for _ in range(50)]
    with CaptureQueriesContext(connection) as requetes:
        Realisation.objects.bulk_create(lignes)
        Realisation.objects.filter(objectif=close.objectif_2014).update(quantite=2)
        lignes[0].save()
    assert sum("engagements_clotureannee" in q["sql"] for q in requetes.captured_queries) == 3


def test_l_import_refuse_les_lignes_d_une_annee_close_a_l_analyse(close):
    contenu = (
        "Code aire,Dispositif,Année,Date réalisation,Quantité réalisée\n"
        "002,Production de logements sociaux,2014,15/06/2014,3\n"
        "002,Production de logements sociaux,2013,15/06/2013,12\n"
    )
    analyse = analyser_fichier("r.csv", contenu.encode(), close.utilisateurs["secretariat"])
    assert not analyse.acceptee
    assert analyse.erreurs == [
        "Ligne 3 : l'année 2013 est close depuis le 31/01/2016 : ses réalisations ne peuvent plus être importées."
    ]


def test_l_import_verifie_de_nouveau_a_la_confirmation(client, monde):
    """A file checked before the closing and confirmed after it is refused whole, with its line numbers."""
    monde.objectif_2014 = fabriques.objectif(monde.aire_lyon, 2014, 50, conference=monde.lyon)
    client.force_login(monde.utilisateurs["secretariat"])
    contenu = (
        "Code aire,Dispositif,Année,Date réalisation,Quantité réalisée\n"
        "002,Production de logements sociaux,2013,15/06/2013,12\n"
        "002,Production de logements sociaux,2014,15/06/2014,3\n"
    )
    fichier = SimpleUploadedFile("r.csv", contenu.encode(), content_type="text/csv")
    televersement = client.post(reverse("engagements:realisation_import"), {"fichier": fichier})
    assert televersement.status_code == 302
    clore(monde)
    avant = etat()
    apercu = texte(client.get(televersement["Location"]))
    assert "Ligne 2 : l'année 2013 est close depuis le 31/01/2016" in apercu
    assert "Confirmer l'import" not in apercu
    confirmation = client.post(televersement["Location"])
    assert confirmation.status_code == 302
    refus = messages_de(confirmation)
    assert "rien n'a été enregistré" in refus
    assert "Ligne 2 : l'année 2013 est close depuis le 31/01/2016" in refus
    assert etat() == avant


def test_l_import_par_le_service_est_refuse_par_le_modele(close):
    from engagements.imports import LigneImport

    avant = etat()
    lignes = [LigneImport(2, close.objectif_lyon, datetime.date(2013, 6, 1), 4)]
    with pytest.raises(AnneeClose):
        services.importer_realisations(lignes, close.utilisateurs["uesl"], str(uuid.uuid4()))
    assert etat() == avant


def test_l_administration_affiche_le_refus_sans_erreur_500(client, close):
    avant = etat()
    client.force_login(close.utilisateurs["admin"])
    realisation = close.realisation_lyon
    reponse = client.post(
        reverse("admin:engagements_realisation_change", args=[realisation.pk]),
        {
            "objectif": close.objectif_lyon.pk,
            "date": "2013-04-01",
            "quantite": "99",
            "commentaire": "Changée dans l'administration",
            "etat": "validee",
            "commentaire_examen": "",
        },
    )
    assert reponse.status_code == 200
    assert MESSAGE in texte(reponse)
    suppression = client.post(reverse("admin:engagements_realisation_delete", args=[realisation.pk]), {"post": "yes"})
    assert suppression.status_code == 302
    assert MESSAGE in messages_de(suppression)
    action = client.post(
        reverse("admin:engagements_realisation_changelist"),
        {"action": "delete_selected", "_selected_action": [realisation.pk], "post": "yes"},
    )
    assert action.status_code == 302
    assert MESSAGE in messages_de(action)
    cible = client.post(reverse("admin:engagements_objectif_delete", args=[close.objectif_lyon.pk]), {"post": "yes"})
    assert cible.status_code == 302
    assert "ses objectifs ne peuvent plus être créés ni supprimés" in messages_de(cible)
    assert etat() == avant


def test_l_administration_garde_les_notes_d_un_objectif_clos_et_refuse_ses_realisations(client, close):
    client.force_login(close.utilisateurs["admin"])
    objectif, realisation = close.objectif_lyon, close.realisation_lyon
    url = reverse("admin:engagements_objectif_change", args=[objectif.pk])
    donnees = {
        "aire": objectif.aire_id,
        "conference": objectif.conference_id,
        "dispositif": objectif.dispositif,
        "annee": "2013",
        "cible": "100",
        "unite": objectif.unite,
        "notes": "Bilan de l'année",
        "date_accord": "",
        "realisations-TOTAL_FORMS": "1",
        "realisations-INITIAL_FORMS": "1",
        "realisations-MIN_NUM_FORMS": "0",
        "realisations-MAX_NUM_FORMS": "1000",
        "realisations-0-id": realisation.pk,
        "realisations-0-objectif": objectif.pk,
        "realisations-0-date": "2013-04-01",
        "realisations-0-quantite": "30",
        "realisations-0-commentaire": "Livraison.",
        "realisations-0-saisi_par": "",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000",
    }
    assert client.post(url, donnees).status_code == 302
    assert Objectif.objects.get(pk=objectif.pk).notes == "Bilan de l'année"
    avant = etat()
    reponse = client.post(url, {**donnees, "realisations-0-quantite": "31", "notes": "Autre"})
    assert reponse.status_code == 200
    assert MESSAGE in texte(reponse)
    reponse = client.post(url, {**donnees, "dispositif": "accession_sociale"})
    assert reponse.status_code == 200
    assert "ses objectifs ne peuvent plus être créés ni supprimés" in texte(reponse)
    assert etat() == avant


def test_la_cible_d_un_objectif_d_une_annee_close_ne_change_plus(client, close):
    avant = etat()
    client.force_login(close.utilisateurs["uesl"])
    objectif = close.objectif_lyon
    donnees = {
        "aire": objectif.aire.pk,
        "conference": objectif.conference.pk,
        "dispositif": objectif.dispositif,
        "annee": "2013",
        "cible": "60",
        "unite": objectif.unite,
        "date_accord": "",
        "notes": "",
        "version": str(objectif.version),
    }
    reponse = client.post(reverse("engagements:objectif_edit", args=[objectif.pk]), donnees)
    assert reponse.status_code == 200
    assert "L'année 2013 est close depuis le 31/01/2016 : ses objectifs ne peuvent plus" in texte(reponse)
    # Moving an objective of an open year into the closed one is refused too.
    autre = Objectif.objects.get(pk=close.objectif_2014.pk)
    autre.annee = 2013
    with pytest.raises(AnneeClose):
        autre.save()
    with pytest.raises(AnneeClose):
        Objectif.objects.get(pk=objectif.pk).delete()
    with pytest.raises(AnneeClose):
        Objectif.objects.filter(annee=2013).delete()
    with pytest.raises(AnneeClose):
        Objectif.objects.filter(annee=2013).update(cible=1)
    with pytest.raises(AnneeClose):
        fabriques.objectif(close.aire_lyon, 2013, 10, dispositif="accession_sociale")
    assert etat() == avant
    # The notes stay free: they change no figure.
    objectif = Objectif.objects.get(pk=objectif.pk)
    objectif.notes = "Bilan de l'année"
    objectif.save()
    assert Objectif.objects.get(pk=objectif.pk).notes == "Bilan de l'année"


# --- Reopening --------------------------------------------------------------------------------------------------


def test_la_reouverture_exige_un_motif_et_un_administrateur(client, close):
    admin, uesl = close.utilisateurs["admin"], close.utilisateurs["uesl"]
    with pytest.raises(ErreurMetier, match="Indiquez le motif de la réouverture de l'année."):
        services.rouvrir_annee(2013, admin, "   ")
    with pytest.raises(PermissionDenied):
        services.rouvrir_annee(2013, uesl, "Correction demandée")
    assert ClotureAnnee.objects.annees_closes() == {2013}

    client.force_login(admin)
    sans_motif = client.post(reverse("engagements:annee_rouvrir", args=[2013]), {"annee-2013-motif": ""})
    assert sans_motif.status_code == 200
    assert "Indiquez le motif de la réouverture de l'année." in texte(sans_motif)
    assert ClotureAnnee.objects.annees_closes() == {2013}

    reponse = client.post(
        reverse("engagements:annee_rouvrir", args=[2013]),
        {"annee-2013-motif": "Livraison de décembre oubliée par Lyon"},
    )
    assert reponse.status_code == 302
    cloture = ClotureAnnee.objects.get(annee=2013)
    assert (cloture.close, cloture.rouverte_par, cloture.motif_reouverture) == (
        False,
        admin,
        "Livraison de décembre oubliée par Lyon",
    )
    # Open again: the forgotten achievement can be recorded, then the year is closed again.
    oubliee = services.enregistrer_realisation(
        Realisation(objectif=close.objectif_lyon, date=datetime.date(2013, 12, 20), quantite=4), uesl
    )
    client.force_login(uesl)
    refus = client.post(reverse("engagements:annee_clore", args=[2013]), follow=True)
    assert "Impossible de clore 2013 : 1 réalisation est en attente de validation." in texte(refus)
    services.valider_realisation(oubliee, admin, oubliee.version)
    assert client.post(reverse("engagements:annee_clore", args=[2013])).status_code == 302
    cloture.refresh_from_db()
    assert cloture.close and cloture.close_par == uesl
    assert [h.close for h in ClotureAnnee.history.filter(annee=2013).order_by("history_date", "history_id")] == [
        True,
        False,
        True,
    ]
    page = texte(client.get(reverse("engagements:annees")))
    assert "Livraison de décembre oubliée par Lyon" in page
    assert "réouverture de l'année 2013" in page


def test_clore_depuis_la_page_affiche_le_refus_avec_le_nombre(client, monde):
    fabriques.realisation(monde.objectif_lyon, 3, datetime.date(2013, 5, 1), etat="soumise")
    client.force_login(monde.utilisateurs["uesl"])
    reponse = client.post(reverse("engagements:annee_clore", args=[2013]))
    assert reponse["Location"] == reverse("engagements:annees")
    assert "Impossible de clore 2013 : 1 réalisation est en attente de validation." in messages_de(reponse)
    assert not ClotureAnnee.objects.exists()
    page = texte(client.get(reverse("engagements:annees")))
    assert "1 réalisation en attente de validation" in page


# --- Pages and reports say so -----------------------------------------------------------------------------------


def test_la_page_des_annees_en_requetes_constantes(client, close, django_assert_max_num_queries):
    services.rouvrir_annee(2013, close.utilisateurs["admin"], "Reprise")
    clore(close)
    services.cloturer_annee(2014, close.utilisateurs["uesl"])
    client.force_login(close.utilisateurs["admin"])
    acteurs.prechauffer_alertes(close.utilisateurs["admin"])
    with django_assert_max_num_queries(7):
        reponse = client.get(reverse("engagements:annees"))
    contenu = texte(reponse)
    assert "close le 31 janvier 2016 par uesl-test" in contenu
    assert "Rouvrir 2013" in contenu and "Clore 2015" in contenu
    assert contenu.count("<li><p><time") == 4  # 2013 closed, reopened, closed again; 2014 closed


def test_les_pages_d_une_annee_close_le_disent(client, close):
    client.force_login(close.utilisateurs["elu"])
    for url in (
        close.objectif_lyon.get_absolute_url(),
        close.aire_lyon.get_absolute_url(),
        close.lyon.get_absolute_url(),
        reverse("partenariat:tableau_de_bord"),
    ):
        reponse = client.get(url)
        assert reponse.status_code == 200
        assert MENTION in texte(reponse), url
    assert MENTION not in texte(client.get(close.objectif_2014.get_absolute_url()))
    assert "Clôture des années" in texte(client.get(reverse("engagements:objectif_list")))


@pytest.mark.parametrize("role", ["secretariat", "uesl", "admin"])
def test_une_annee_close_ne_propose_aucune_ecriture_qui_serait_refusee(client, close, role):
    """Closed 2013: no "add", no "change" of an achievement, the objective's notes only; open 2014: all of them."""
    client.force_login(close.utilisateurs[role])
    ajouter = reverse("engagements:realisation_add", args=[close.objectif_lyon.pk])
    modifier = reverse("engagements:realisation_edit", args=[close.realisation_lyon.pk])
    page = texte(client.get(close.objectif_lyon.get_absolute_url()))
    assert MENTION in page
    assert ajouter not in page and modifier not in page
    assert "Ajouter une réalisation" not in page
    assert "Modifier les notes de l'objectif" in page and "seules les notes de l'objectif restent modifiables" in page
    realisation = texte(client.get(reverse("engagements:realisation_detail", args=[close.realisation_lyon.pk])))
    assert MENTION in realisation and modifier not in realisation and "Modifier la réalisation" not in realisation

    ouverte = texte(client.get(close.objectif_2014.get_absolute_url()))
    assert MENTION not in ouverte
    assert reverse("engagements:realisation_add", args=[close.objectif_2014.pk]) in ouverte
    assert reverse("engagements:realisation_edit", args=[close.realisation_2014.pk]) in ouverte
    assert "Modifier l'objectif" in ouverte and "Modifier les notes" not in ouverte
    detail_2014 = texte(client.get(reverse("engagements:realisation_detail", args=[close.realisation_2014.pk])))
    assert "Modifier la réalisation" in detail_2014 and MENTION not in detail_2014


def test_un_elu_ne_voit_que_la_mention_d_une_annee_close(client, close):
    client.force_login(close.utilisateurs["elu"])
    page = texte(client.get(close.objectif_lyon.get_absolute_url()))
    assert MENTION in page
    assert "Modifier" not in page and "seules les notes" not in page


def test_les_rapports_pdf_d_une_annee_close_le_disent(close):
    for _nom, contenu in (
        render_aire_pdf(close.aire_lyon),
        render_conference_pdf(close.lyon),
        render_national_pdf(2013),
        render_national_pdf(),
    ):
        assert MENTION in une_ligne(texte_pdf(contenu))
    assert MENTION not in une_ligne(texte_pdf(render_national_pdf(2014)[1]))


def test_les_pages_des_annees_closes_sont_du_html_valide(commande_vnu, client, close, tmp_path):  # noqa: F811
    """The years page (forms, an error, history) and the pages carrying the mention, through the Nu checker."""
    client.force_login(close.utilisateurs["admin"])
    pages = {
        "annees": texte_brut(client.get(reverse("engagements:annees"))),
        "annees (motif manquant)": texte_brut(
            client.post(reverse("engagements:annee_rouvrir", args=[2013]), {"annee-2013-motif": ""})
        ),
        "objectif": texte_brut(client.get(close.objectif_lyon.get_absolute_url())),
        "réalisation": texte_brut(
            client.get(reverse("engagements:realisation_detail", args=[close.realisation_lyon.pk]))
        ),
        "aire": texte_brut(client.get(close.aire_lyon.get_absolute_url())),
        "conference": texte_brut(client.get(close.lyon.get_absolute_url())),
        "tableau de bord": texte_brut(client.get(reverse("partenariat:tableau_de_bord"))),
        "objectifs": texte_brut(client.get(reverse("engagements:objectif_list"))),
    }
    erreurs = erreurs_vnu(commande_vnu, pages, tmp_path)
    assert not erreurs, "\n".join(erreurs)


def texte_brut(reponse):
    assert reponse.status_code == 200
    return reponse.content.decode()


# --- A closing and a submission at the same instant ---------------------------------------------------------------

POSTGRESQL = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="écritures simultanées : PostgreSQL seulement"
)


def _en_fil(cible, resultats, cle):
    def executer():
        try:
            resultats[cle] = cible()
        except Exception as erreur:  # noqa: BLE001 — the test reads it
            resultats[cle] = erreur
        finally:
            connection.close()

    fil = threading.Thread(target=executer)
    fil.start()
    return fil


@pytest.mark.django_db(transaction=True)
@POSTGRESQL
def test_une_saisie_en_cours_compte_parmi_les_attentes_de_la_cloture():
    """The closing waits for a submission not yet committed, then counts it: the year is not closed."""
    synchroniser_roles()
    monde = acteurs.construire_monde()
    ecrite, fin = threading.Event(), threading.Event()
    resultats = {}

    def saisir():
        with transaction.atomic():
            Realisation(objectif_id=monde.objectif_lyon.pk, date=datetime.date(2013, 11, 2), quantite=3).save()
            ecrite.set()
            assert fin.wait(timeout=20)
        return "enregistrée"

    fil_saisie = _en_fil(saisir, resultats, "saisie")
    assert ecrite.wait(timeout=20)
    fil_cloture = _en_fil(lambda: services.cloturer_annee(2013, monde.utilisateurs["uesl"]), resultats, "cloture")
    fil_cloture.join(timeout=1)
    assert fil_cloture.is_alive()  # waiting for the objective the submission holds
    fin.set()
    fil_saisie.join(timeout=20)
    fil_cloture.join(timeout=20)
    assert resultats["saisie"] == "enregistrée"
    assert isinstance(resultats["cloture"], ErreurMetier)
    assert "1 réalisation est en attente de validation" in resultats["cloture"].message
    assert not ClotureAnnee.objects.exists()


@pytest.mark.django_db(transaction=True)
@POSTGRESQL
def test_une_saisie_qui_attend_une_cloture_en_cours_est_refusee(monkeypatch):
    """A submission arriving while the closing holds the year's objectives is refused once the year is closed."""
    synchroniser_roles()
    monde = acteurs.construire_monde()
    verrouillee, suite = threading.Event(), threading.Event()
    resultats = {}
    compter = services.en_attente_par_annee

    def compter_apres_un_temps():
        verrouillee.set()
        assert suite.wait(timeout=20)
        return compter()

    monkeypatch.setattr(services, "en_attente_par_annee", compter_apres_un_temps)
    fil_cloture = _en_fil(lambda: services.cloturer_annee(2013, monde.utilisateurs["uesl"]), resultats, "cloture")
    assert verrouillee.wait(timeout=20)
    nouvelle = Realisation(objectif_id=monde.objectif_lyon.pk, date=datetime.date(2013, 11, 2), quantite=3)
    fil_saisie = _en_fil(nouvelle.save, resultats, "saisie")
    fil_saisie.join(timeout=1)
    assert fil_saisie.is_alive()  # waiting for the objective the closing holds
    suite.set()
    fil_cloture.join(timeout=20)
    fil_saisie.join(timeout=20)
    assert isinstance(resultats["cloture"], ClotureAnnee)
    assert isinstance(resultats["saisie"], AnneeClose)
    assert not Realisation.objects.filter(quantite=3).exists()

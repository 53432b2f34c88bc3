"""Conference invariants hold in the database, and model validation gives the same French message."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from aires_urbaines.models import Intercommunalite
from conferences.models import (
    AssociationProgrammation,
    ConferenceTerritoriale,
    EtatInstallation,
    MembreConference,
    Reunion,
)
from tests.contraintes import refuse_a_la_validation, refuse_en_base

pytestmark = pytest.mark.django_db

SIGNATURE = datetime.date(2012, 6, 27)
DATE_LIMITE = datetime.date(2012, 12, 27)


@pytest.fixture
def conference():
    return ConferenceTerritoriale.objects.create(
        nom="Conférence territoriale Rhône-Alpes", date_installation=datetime.date(2012, 11, 15)
    )


@pytest.fixture
def cu_de_lyon():
    return Intercommunalite.objects.create(siren="246900245", nom="CU de Lyon", nature="CU")


# --- ConferenceTerritoriale ---------------------------------------------------------------------------------


def test_installation_avant_la_signature_refusee(conference):
    veille = SIGNATURE - datetime.timedelta(days=1)
    refuse_en_base(lambda: ConferenceTerritoriale.objects.create(nom="Trop tôt", date_installation=veille))
    refuse_en_base(lambda: ConferenceTerritoriale.objects.filter(pk=conference.pk).update(date_installation=veille))
    refuse_a_la_validation(
        ConferenceTerritoriale(nom="Trop tôt", date_installation=veille),
        "Une conférence ne peut pas être installée avant la signature du protocole (27 juin 2012).",
    )


@pytest.mark.parametrize("date_installation", [None, SIGNATURE, datetime.date(2013, 2, 4)])
def test_installation_le_jour_de_la_signature_ou_apres_acceptee(date_installation):
    conference = ConferenceTerritoriale(nom="Conférence", date_installation=date_installation)
    conference.full_clean()
    conference.save()


def test_nom_de_conference_unique(conference):
    refuse_en_base(lambda: ConferenceTerritoriale.objects.create(nom=conference.nom))
    with pytest.raises(ValidationError) as erreur:
        ConferenceTerritoriale(nom=conference.nom).full_clean()
    assert "nom" in erreur.value.message_dict


@pytest.mark.parametrize(
    ("date_installation", "etat"),
    [
        (datetime.date(2012, 11, 15), EtatInstallation.A_L_HEURE),
        (DATE_LIMITE, EtatInstallation.A_L_HEURE),
        (DATE_LIMITE + datetime.timedelta(days=1), EtatInstallation.EN_RETARD),
        (None, EtatInstallation.NON_INSTALLEE),
    ],
)
def test_etat_installation_par_rapport_a_la_date_limite(date_installation, etat):
    conference = ConferenceTerritoriale.objects.create(nom="Conférence", date_installation=date_installation)
    assert conference.etat_installation_pour(DATE_LIMITE) == etat
    assert ConferenceTerritoriale.objects.avec_etat_installation(DATE_LIMITE).get().etat_installation == etat


def test_etat_installation_a_une_date_donnee():
    ConferenceTerritoriale.objects.create(nom="Marseille", date_installation=datetime.date(2013, 2, 4))
    etat_au = ConferenceTerritoriale.objects.avec_etat_installation
    assert etat_au(DATE_LIMITE, au=datetime.date(2013, 1, 15)).get().etat_installation == EtatInstallation.NON_INSTALLEE
    assert etat_au(DATE_LIMITE, au=datetime.date(2013, 2, 4)).get().etat_installation == EtatInstallation.EN_RETARD
    assert ConferenceTerritoriale.objects.installees_au(datetime.date(2013, 1, 15)).count() == 0


# --- MembreConference ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("college", "organisation"),
    [
        ("salaries", "MEDEF"),
        ("salaries", "CGPME"),
        ("salaries", "UPA"),
        ("employeurs", "CGT"),
        ("employeurs", "CFDT"),
        ("employeurs", "CGT-FO"),
        ("employeurs", "CFTC"),
        ("employeurs", "CFE-CGC"),
    ],
)
def test_organisation_hors_de_son_college_refusee(conference, college, organisation):
    valeurs = {"conference": conference, "nom": "X", "college": college, "organisation": organisation}
    refuse_en_base(lambda: MembreConference.objects.create(**valeurs))
    refuse_a_la_validation(MembreConference(**valeurs), "L'organisation ne siège pas dans ce collège.")


def test_organisation_inconnue_refusee_en_base(conference):
    refuse_en_base(
        lambda: MembreConference.objects.create(conference=conference, nom="X", college="salaries", organisation="SUD")
    )


def test_changement_de_college_refuse_par_update(conference):
    membre = MembreConference.objects.create(conference=conference, nom="X", college="employeurs", organisation="UPA")
    refuse_en_base(lambda: MembreConference.objects.filter(pk=membre.pk).update(college="salaries"))


@pytest.mark.parametrize(("organisation", "college"), MembreConference.COLLEGE_DES_ORGANISATIONS.items())
def test_chaque_organisation_siege_dans_son_college(conference, organisation, college):
    membre = MembreConference(conference=conference, nom="X", college=college, organisation=organisation)
    membre.full_clean()
    membre.save()


def test_toutes_les_organisations_ont_un_college():
    assert set(MembreConference.COLLEGE_DES_ORGANISATIONS) == set(MembreConference.Organisation.values)


# --- Reunion ------------------------------------------------------------------------------------------------


def test_reunion_avant_la_signature_refusee(conference):
    veille = SIGNATURE - datetime.timedelta(days=1)
    refuse_en_base(lambda: Reunion.objects.create(conference=conference, date=veille))
    reunion = Reunion.objects.create(conference=conference, date=SIGNATURE)
    refuse_en_base(lambda: Reunion.objects.filter(pk=reunion.pk).update(date=veille))
    refuse_a_la_validation(
        Reunion(conference=conference, date=veille),
        "Une réunion ne peut pas précéder la signature du protocole (27 juin 2012).",
    )


# --- AssociationProgrammation -------------------------------------------------------------------------------


def association(conference, intercommunalite, **valeurs):
    valeurs = {
        "conference": conference,
        "intercommunalite": intercommunalite,
        "document": AssociationProgrammation.Document.PLH,
        "date_sollicitation": datetime.date(2013, 3, 1),
        **valeurs,
    }
    return AssociationProgrammation(**valeurs)


def test_association_unique_par_document(conference, cu_de_lyon):
    association(conference, cu_de_lyon).save()
    refuse_en_base(lambda: association(conference, cu_de_lyon).save())
    refuse_a_la_validation(
        association(conference, cu_de_lyon),
        "Cette conférence est déjà associée à ce document de cette intercommunalité.",
    )
    association(conference, cu_de_lyon, document=AssociationProgrammation.Document.SCOT).save()


def test_association_avant_la_sollicitation_refusee(conference, cu_de_lyon):
    valeurs = {"etat": "associee", "date_association": datetime.date(2013, 2, 28)}
    refuse_en_base(lambda: association(conference, cu_de_lyon, **valeurs).save())
    refuse_a_la_validation(
        association(conference, cu_de_lyon, **valeurs), "La date d'association ne peut pas précéder la sollicitation."
    )


def test_avis_avant_la_sollicitation_refuse(conference, cu_de_lyon):
    valeurs = {"etat": "avis_rendu", "date_avis": datetime.date(2013, 2, 28)}
    refuse_en_base(lambda: association(conference, cu_de_lyon, **valeurs).save())
    refuse_a_la_validation(
        association(conference, cu_de_lyon, **valeurs), "La date de l'avis ne peut pas précéder la sollicitation."
    )


def test_avis_rendu_sans_date_refuse(conference, cu_de_lyon):
    refuse_en_base(lambda: association(conference, cu_de_lyon, etat="avis_rendu").save())
    existante = association(conference, cu_de_lyon, etat="associee")
    existante.save()
    refuse_en_base(lambda: AssociationProgrammation.objects.filter(pk=existante.pk).update(etat="avis_rendu"))
    refuse_a_la_validation(association(conference, cu_de_lyon, etat="avis_rendu"), "Un avis rendu doit avoir sa date.")


def test_association_coherente_acceptee(conference, cu_de_lyon):
    valide = association(
        conference,
        cu_de_lyon,
        etat="avis_rendu",
        date_association=datetime.date(2013, 3, 1),
        date_avis=datetime.date(2013, 9, 30),
    )
    valide.full_clean()
    valide.save()

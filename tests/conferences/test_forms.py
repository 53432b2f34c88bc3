"""Conference forms mirror the database constraints with their French messages; long lists stay searchable."""

import pytest

from aires_urbaines.models import AireUrbaine, Intercommunalite
from conferences.forms import AssociationForm, ConferenceForm, MembreForm, ObservationForm, ReunionForm

pytestmark = pytest.mark.django_db


def test_conference_avant_la_signature_refusee(monde):
    form = ConferenceForm({"nom": "Conférence précoce", "date_installation": "2012-06-26"})
    assert not form.is_valid()
    assert form.errors["date_installation"] == [
        "Une conférence ne peut pas être installée avant la signature du protocole (27 juin 2012)."
    ]
    assert ConferenceForm({"nom": "Conférence du jour", "date_installation": "27/06/2012"}).is_valid()


def test_nom_de_conference_unique_en_francais(monde):
    form = ConferenceForm({"nom": "Conférence de Lyon"})
    assert not form.is_valid()
    assert form.errors["nom"] == ["Une conférence porte déjà ce nom."]


@pytest.mark.parametrize(
    ("college", "organisation", "valide"),
    [
        ("employeurs", "MEDEF", True),
        ("salaries", "CFE-CGC", True),
        ("employeurs", "CGT", False),
        ("salaries", "UPA", False),
    ],
)
def test_organisation_du_college(college, organisation, valide):
    form = MembreForm({"nom": "Anne", "college": college, "organisation": organisation})
    assert form.is_valid() is valide
    if not valide:
        assert form.errors == {"organisation": ["L'organisation ne siège pas dans ce collège."]}


def test_reunion_avant_la_signature_refusee():
    form = ReunionForm({"date": "2012-01-01"})
    assert form.errors["date"] == ["Une réunion ne peut pas précéder la signature du protocole (27 juin 2012)."]


def association(monde, **valeurs):
    donnees = {
        "intercommunalite": monde.epci_lyon.pk,
        "document": "SCOT",
        "etat": "sollicitee",
        "date_sollicitation": "2013-04-01",
        **valeurs,
    }
    return AssociationForm(donnees, conference=monde.lyon, user=monde.utilisateurs["uesl"])


def test_association_dates_et_etat_comme_en_base(monde):
    assert association(monde).is_valid()
    form = association(monde, date_association="2013-03-01", date_avis="2013-03-02")
    assert form.errors == {
        "date_association": ["La date d'association ne peut pas précéder la sollicitation."],
        "date_avis": ["La date de l'avis ne peut pas précéder la sollicitation."],
    }
    assert association(monde, etat="avis_rendu").errors == {"date_avis": ["Un avis rendu doit avoir sa date."]}
    assert association(monde, document="PLH").errors == {
        "__all__": ["Cette conférence est déjà associée à ce document de cette intercommunalité."]
    }
    # Editing the existing association is not a duplicate of itself.
    form = AssociationForm(
        {
            "intercommunalite": monde.epci_lyon.pk,
            "document": "PLH",
            "etat": "associee",
            "date_sollicitation": "2013-02-01",
        },
        conference=monde.lyon,
        user=monde.utilisateurs["uesl"],
        instance=monde.association_lyon,
    )
    assert form.is_valid(), form.errors


def test_le_choix_de_l_intercommunalite_propose_celles_de_la_conference_et_cherche_par_nom_ou_siren(monde):
    Intercommunalite.objects.bulk_create(
        Intercommunalite(siren=f"2000000{i:02d}", nom=f"CC numéro {i}", nature="CC") for i in range(60)
    )
    uesl = monde.utilisateurs["uesl"]
    form = AssociationForm(conference=monde.lyon, user=uesl)
    libelles = [case.choice_label for case in form["intercommunalite"]]
    assert libelles == ["CU de Lyon (Communauté urbaine, SIREN 246900245)"]

    form = AssociationForm(conference=monde.lyon, user=uesl, recherches={"intercommunalite_recherche": "241300391"})
    assert [case.choice_label for case in form["intercommunalite"]] == [
        "CU Marseille Provence Métropole (Communauté urbaine, SIREN 241300391)"
    ]
    form = AssociationForm(conference=monde.lyon, user=uesl, recherches={"intercommunalite_recherche": "numero"})
    assert len(list(form["intercommunalite"])) == 60  # accents ignored
    form = AssociationForm(conference=monde.lyon, user=uesl, recherches={"intercommunalite_recherche": "cc"})
    list(form["intercommunalite"])
    assert form.fields["intercommunalite"].widget.nb_masquees == 0


def test_les_aires_cochees_restent_visibles_quelle_que_soit_la_recherche(monde):
    AireUrbaine.objects.bulk_create(
        AireUrbaine(code=f"{i:03d}", nom=f"Aire {i}", categorie="petite") for i in range(100, 300)
    )
    form = ConferenceForm({"nom": "X", "aires": [monde.aire_lyon.pk], "aires_recherche": "Aire 12"}, instance=None)
    montrees = [case.choice_label for case in form["aires"]]
    assert montrees[0] == "Lyon (002)"
    assert set(montrees[1:]) == {f"Aire {i} ({i:03d})" for i in range(120, 130)}


def test_sans_recherche_seules_les_aires_choisies_sont_proposees(monde):
    """Each box is a stop of the Tab key: nothing typed, only the chosen ones; the script searches the catalogue."""
    AireUrbaine.objects.bulk_create(
        AireUrbaine(code=f"{i:03d}", nom=f"Aire {i}", categorie="petite") for i in range(100, 300)
    )
    assert list(ConferenceForm()["aires"]) == []
    form = ConferenceForm({"nom": "X", "aires": [monde.aire_lyon.pk]})
    assert [case.choice_label for case in form["aires"]] == ["Lyon (002)"]
    catalogue = form.fields["aires"].widget.catalogue
    assert len(catalogue) == AireUrbaine.objects.count() - 1
    assert [str(monde.aire_marseille.pk), "Marseille - Aix-en-Provence (003)", False] in catalogue


def test_une_recherche_large_propose_les_premieres_et_dit_combien_correspondent(monde):
    AireUrbaine.objects.bulk_create(
        AireUrbaine(code=f"{i:03d}", nom=f"Aire {i}", categorie="petite") for i in range(100, 300)
    )
    form = ConferenceForm(recherches={"aires_recherche": "aire"})
    assert len(list(form["aires"])) == 50
    widget = form.fields["aires"].widget
    assert (widget.nb_resultats, widget.nb_masquees) == (200, 150)


def test_observation_propose_les_aires_de_la_conference(monde):
    form = ObservationForm(conference=monde.lyon, user=monde.utilisateurs["uesl"])
    assert [case.choice_label for case in form["aires"]] == ["Lyon (002)"]


def test_un_secretariat_ne_choisit_que_les_aires_de_sa_conference(monde):
    """A forged id outside the conference's areas is an invalid choice, in French; national staff choose any."""
    donnees = {"titre": "Étude", "date": "2014-01-15", "nature": "etude", "aires": [monde.aire_marseille.pk]}
    form = ObservationForm(donnees, conference=monde.lyon, user=monde.utilisateurs["secretariat"])
    assert list(form.fields["aires"].queryset) == [monde.aire_lyon]
    assert not form.is_valid()
    assert form.errors["aires"] == [f"Sélectionnez un choix valide. {monde.aire_marseille.pk} n’en fait pas partie."]
    assert ObservationForm(donnees, conference=monde.lyon, user=monde.utilisateurs["uesl"]).is_valid()


@pytest.mark.usefixtures("communes")
def test_un_secretariat_n_associe_que_les_intercommunalites_des_aires_de_sa_conference(monde):
    marseille = monde.epci_marseille
    secretariat = monde.utilisateurs["secretariat"]
    nouvelle = {"document": "SCOT", "etat": "sollicitee", "date_sollicitation": "2013-04-01"}
    form = AssociationForm({**nouvelle, "intercommunalite": marseille.pk}, conference=monde.lyon, user=secretariat)
    assert list(form.fields["intercommunalite"].queryset) == [monde.epci_lyon]
    assert form.errors["intercommunalite"] == [
        "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
    ]
    assert AssociationForm(
        {**nouvelle, "intercommunalite": monde.epci_lyon.pk}, conference=monde.lyon, user=secretariat
    ).is_valid()
    assert AssociationForm(
        {**nouvelle, "intercommunalite": marseille.pk}, conference=monde.lyon, user=monde.utilisateurs["uesl"]
    ).is_valid()

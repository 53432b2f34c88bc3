"""Conference services: who may act, one transaction, history with its author, no lost update."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from aires_urbaines.models import Intercommunalite
from conferences import services
from conferences.calendrier import calendrier_reunions, echapper, plier
from conferences.models import AssociationProgrammation, ConferenceTerritoriale, MembreConference, Observation, Reunion
from partenariat.commun.historique import historique_de

pytestmark = pytest.mark.django_db


def test_installer_conference_ecrit_un_seul_enregistrement_d_historique_avec_son_perimetre(monde):
    uesl = monde.utilisateurs["uesl"]
    conference = ConferenceTerritoriale(nom="Conférence de Grenoble", date_installation=datetime.date(2013, 1, 17))
    membre = MembreConference(nom="Paul Roux", college="salaries", organisation="CGT")
    services.installer_conference(conference, uesl, aires=[monde.aire_marseille], membres=[membre])

    historique = list(conference.history.all())
    assert len(historique) == 1
    assert historique[0].history_type == "+"
    assert historique[0].history_user == uesl
    assert list(historique[0].aires.values_list("aireurbaine_id", flat=True)) == [monde.aire_marseille.pk]
    assert conference.version == 1
    assert membre.history.get().history_user == uesl
    assert [e.action for e in historique_de(conference)] == ["Création"]


def test_le_secretariat_ne_cree_pas_de_conference(monde):
    with pytest.raises(PermissionDenied):
        services.installer_conference(ConferenceTerritoriale(nom="X"), monde.utilisateurs["secretariat"])
    assert not ConferenceTerritoriale.objects.filter(nom="X").exists()


def test_modifier_conference_incremente_la_version_et_historise_le_detail(monde):
    uesl = monde.utilisateurs["uesl"]
    lyon = ConferenceTerritoriale.objects.get(pk=monde.lyon.pk)
    lyon.nom = "Conférence Lyon Métropole"
    services.modifier_conference(
        lyon, uesl, 1, bassins=[monde.bassin_lyon], aires=[monde.aire_lyon, monde.aire_marseille]
    )

    lyon.refresh_from_db()
    assert lyon.version == 2
    dernier = historique_de(lyon)[0]
    assert dernier.auteur == uesl.username
    changements = {c.libelle: (c.avant, c.apres) for c in dernier.changements}
    assert changements["Nom"] == ("Conférence de Lyon", "Conférence Lyon Métropole")
    assert changements["Aires urbaines"] == ("Lyon (002)", "Lyon (002), Marseille - Aix-en-Provence (003)")


def test_la_seconde_sauvegarde_concurrente_est_refusee_avec_ce_qui_a_change(monde):
    uesl, admin = monde.utilisateurs["uesl"], monde.utilisateurs["admin"]
    premiere = ConferenceTerritoriale.objects.get(pk=monde.lyon.pk)
    seconde = ConferenceTerritoriale.objects.get(pk=monde.lyon.pk)
    premiere.nom = "Nom de la première"
    services.modifier_conference(premiere, uesl, 1, bassins=[monde.bassin_lyon], aires=[monde.aire_lyon])

    seconde.nom = "Nom de la seconde"
    with pytest.raises(services.ErreurConference) as refus:
        services.modifier_conference(seconde, admin, 1, bassins=[], aires=[])
    assert "modifié par quelqu'un d'autre" in refus.value.message
    assert any(
        detail.startswith("Nom : Conférence de Lyon → Nom de la première (modifié par uesl-test le ")
        for detail in refus.value.details
    ), refus.value.details
    assert refus.value.version_actuelle == 2
    enregistree = ConferenceTerritoriale.objects.get(pk=monde.lyon.pk)
    assert (enregistree.nom, enregistree.version) == ("Nom de la première", 2)
    assert list(enregistree.aires.all()) == [monde.aire_lyon]


def test_modifier_les_membres_donne_une_nouvelle_version_que_cite_le_refus_suivant(monde):
    secretariat, uesl = monde.utilisateurs["secretariat"], monde.utilisateurs["uesl"]
    lyon = ConferenceTerritoriale.objects.get(pk=monde.lyon.pk)
    nouveau = MembreConference(nom="Marc Garnier", college="salaries", organisation="CFDT")
    services.modifier_membres(lyon, secretariat, 1, membres=[nouveau], membres_supprimes=[monde.membre_lyon])
    assert list(lyon.membres.values_list("nom", flat=True)) == ["Marc Garnier"]
    assert ConferenceTerritoriale.objects.get(pk=lyon.pk).version == 2

    perimee = ConferenceTerritoriale.objects.get(pk=lyon.pk)
    perimee.version = 1
    with pytest.raises(services.ErreurConference) as refus:
        services.modifier_conference(perimee, uesl, 1, bassins=[], aires=[])
    details = " | ".join(refus.value.details)
    assert "Membre « Marc Garnier » — Création (par secretariat-lyon le " in details
    assert "Membre « Anne Durand » — Suppression" in details


def test_le_secretariat_ne_gere_que_sa_conference(monde):
    secretariat = monde.utilisateurs["secretariat"]
    reunion = Reunion(conference=monde.marseille, date=datetime.date(2013, 5, 5))
    with pytest.raises(PermissionDenied):
        services.enregistrer_reunion(reunion, secretariat)
    with pytest.raises(PermissionDenied):
        services.modifier_membres(monde.marseille, secretariat, 1)
    assert not Reunion.objects.filter(date=datetime.date(2013, 5, 5)).exists()

    reunion = services.enregistrer_reunion(Reunion(conference=monde.lyon, date=datetime.date(2013, 5, 5)), secretariat)
    assert reunion.history.get().history_user == secretariat


def test_association_en_double_refusee_en_francais(monde):
    doublon = AssociationProgrammation(
        conference=monde.lyon,
        intercommunalite=monde.epci_lyon,
        document="PLH",
        date_sollicitation=datetime.date(2013, 3, 1),
    )
    with pytest.raises(services.ErreurConference, match="déjà associée à ce document"):
        services.enregistrer_association(doublon, monde.utilisateurs["uesl"])
    assert AssociationProgrammation.objects.filter(conference=monde.lyon, document="PLH").count() == 1


def test_observation_et_ses_aires_en_un_seul_enregistrement(monde):
    observation = Observation(conference=monde.lyon, titre="Étude", date=datetime.date(2014, 2, 2), nature="etude")
    services.enregistrer_observation(observation, monde.utilisateurs["secretariat"], [monde.aire_lyon])
    assert list(observation.aires.all()) == [monde.aire_lyon]
    assert observation.history.count() == 1
    assert observation.history.get().history_type == "+"


@pytest.mark.usefixtures("communes")
def test_le_secretariat_ne_rattache_son_observation_qu_aux_aires_de_sa_conference(monde):
    """Called directly, without the form: Paris (nobody's) and Marseille (another conference's) are refused."""
    secretariat = monde.utilisateurs["secretariat"]
    paris = monde.aire_paris
    for aires in ([monde.aire_lyon, paris], [monde.aire_marseille]):
        observation = Observation(conference=monde.lyon, titre="Étude", date=datetime.date(2014, 2, 2))
        with pytest.raises(PermissionDenied, match="aires couvertes par sa conférence"):
            services.enregistrer_observation(observation, secretariat, aires)
    assert not Observation.objects.filter(titre="Étude").exists()
    assert not Observation.history.filter(titre="Étude").exists()

    existante = Observation.objects.get(pk=monde.observation_lyon.pk)
    existante.titre = "Besoins modifiés"
    with pytest.raises(PermissionDenied):
        services.enregistrer_observation(existante, secretariat, [monde.aire_lyon, monde.aire_marseille])
    enregistree = Observation.objects.get(pk=existante.pk)
    assert (enregistree.titre, list(enregistree.aires.all())) == ("Besoins des entreprises", [monde.aire_lyon])

    # National staff tag any area.
    observation = Observation(conference=monde.lyon, titre="Étude nationale", date=datetime.date(2014, 2, 2))
    services.enregistrer_observation(observation, monde.utilisateurs["uesl"], [monde.aire_lyon, paris])
    assert set(observation.aires.all()) == {monde.aire_lyon, paris}


@pytest.mark.usefixtures("communes")
def test_une_aire_enregistree_avant_la_regle_est_conservee_mais_aucune_autre_ajoutee(monde):
    secretariat = monde.utilisateurs["secretariat"]
    monde.observation_lyon.aires.add(monde.aire_marseille)  # written before the rule
    paris = monde.aire_paris
    observation = Observation.objects.get(pk=monde.observation_lyon.pk)
    with pytest.raises(PermissionDenied):
        services.enregistrer_observation(observation, secretariat, [monde.aire_lyon, monde.aire_marseille, paris])
    assert set(observation.aires.all()) == {monde.aire_lyon, monde.aire_marseille}

    observation.titre = "Besoins 2013"
    services.enregistrer_observation(observation, secretariat, [monde.aire_lyon, monde.aire_marseille])
    observation.refresh_from_db()
    assert observation.titre == "Besoins 2013"
    assert set(observation.aires.all()) == {monde.aire_lyon, monde.aire_marseille}


@pytest.mark.usefixtures("communes")
def test_le_secretariat_n_associe_sa_conference_qu_aux_intercommunalites_de_ses_aires(monde):
    secretariat = monde.utilisateurs["secretariat"]
    marseille = monde.epci_marseille

    def nouvelle(intercommunalite):
        return AssociationProgrammation(
            conference=monde.lyon,
            intercommunalite=intercommunalite,
            document="SCOT",
            date_sollicitation=datetime.date(2013, 4, 1),
        )

    with pytest.raises(PermissionDenied, match="intercommunalités des aires qu'elle couvre"):
        services.enregistrer_association(nouvelle(marseille), secretariat)
    assert not AssociationProgrammation.objects.filter(intercommunalite=marseille).exists()

    existante = AssociationProgrammation.objects.get(pk=monde.association_lyon.pk)
    existante.intercommunalite = marseille
    with pytest.raises(PermissionDenied):
        services.enregistrer_association(existante, secretariat)
    assert AssociationProgrammation.objects.get(pk=existante.pk).intercommunalite == monde.epci_lyon

    assert services.enregistrer_association(nouvelle(monde.epci_lyon), secretariat).pk
    # National staff associate the conference with any intercommunality.
    assert services.enregistrer_association(nouvelle(marseille), monde.utilisateurs["uesl"]).pk


def test_une_intercommunalite_associee_avant_la_regle_reste_modifiable(monde):
    """The stored intercommunality counts, not the one on the instance: keeping it is allowed, swapping is not."""
    secretariat = monde.utilisateurs["secretariat"]
    marseille = monde.epci_marseille
    AssociationProgrammation.objects.filter(pk=monde.association_lyon.pk).update(intercommunalite=marseille)
    association = AssociationProgrammation.objects.get(pk=monde.association_lyon.pk)
    association.etat = "associee"
    services.enregistrer_association(association, secretariat)
    assert AssociationProgrammation.objects.get(pk=association.pk).etat == "associee"

    autre = Intercommunalite.objects.create(siren="241300417", nom="CA du Pays d'Aix", nature="CA")
    association.intercommunalite = autre
    with pytest.raises(PermissionDenied):
        services.enregistrer_association(association, secretariat)
    assert AssociationProgrammation.objects.get(pk=association.pk).intercommunalite == marseille


def test_avertissement_si_installation_apres_la_date_limite(monde):
    assert services.avertissements_installation(monde.lyon) == []
    (avertissement,) = services.avertissements_installation(monde.marseille)
    assert "postérieure à la date limite du protocole (27/12/2012)" in avertissement


def test_calendrier_ics_valide_et_echappe(monde):
    Reunion.objects.filter(pk=monde.reunion_lyon.pk).update(
        ordre_du_jour="Point 1, point 2; point 3\nPoint 4 \\ fin", lieu="Lyon, salle A"
    )
    monde.reunion_lyon.refresh_from_db()
    contenu = calendrier_reunions(
        monde.lyon, [monde.reunion_lyon], "exemple.fr", datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    )
    assert contenu.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert contenu.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")
    deplie = contenu.replace("\r\n ", "")
    assert f"UID:reunion-{monde.reunion_lyon.pk}@exemple.fr\r\n" in deplie
    assert "DTSTAMP:20260102T030405Z\r\n" in deplie
    assert "DTSTART;VALUE=DATE:20130312\r\n" in deplie
    assert "LOCATION:Lyon\\, salle A\r\n" in deplie
    assert "Point 1\\, point 2\\; point 3\\nPoint 4 \\\\ fin" in deplie
    assert all(len(ligne.encode()) <= 75 for ligne in contenu.split("\r\n"))


def test_echapper_et_plier():
    assert echapper("a,b;c\\d\r\ne") == "a\\,b\\;c\\\\d\\ne"
    ligne = "DESCRIPTION:" + "é" * 100
    plie = plier(ligne)
    assert all(len(morceau.encode()) <= 75 for morceau in plie.split("\r\n"))
    assert plie.replace("\r\n ", "") == ligne


def test_echapper_sans_caractere_de_controle():
    # Rows written before input was checked: other tools' line breaks stay line breaks, other controls go.
    assert echapper("Lyon\x0bligne\x85\u2028x\u2029y\x0cz") == "Lyon\\nligne\\n\\nx\\ny\\nz"
    assert echapper("a\x00b\x01c\x1bd\x7fe\x9ff\tg") == "abcdef g"

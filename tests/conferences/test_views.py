"""Conference data entry through the pages: confirmations, refusals that keep the input, history, calendar."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conferences.models import ConferenceTerritoriale, MembreConference, Reunion
from tests.acteurs import connecte, donnees_formset, donnees_membre, prechauffer_alertes

pytestmark = pytest.mark.django_db


def messages_de(reponse):
    return [str(m) for m in get_messages(reponse.wsgi_request)]


def test_l_equipe_uesl_enregistre_une_conference_et_ses_membres(client, monde):
    connecte(client, monde.utilisateurs["uesl"])
    donnees = {
        "nom": "Conférence de Grenoble",
        "date_installation": "2013-01-17",
        "bassins": [monde.bassin_lyon.pk],
        "aires": [monde.aire_marseille.pk],
        **donnees_formset(
            membres=[
                {"nom": "Paul Roux", "college": "salaries", "organisation": "CGT", "fonction": "Vice-président"},
                {"nom": "Léa Faure", "college": "employeurs", "organisation": "CGPME"},
                {},  # an untouched empty row is ignored
            ]
        ),
    }
    reponse = client.post(reverse("conferences:conference_add"), donnees)
    conference = ConferenceTerritoriale.objects.get(nom="Conférence de Grenoble")
    assert reponse.status_code == 302
    assert reponse["Location"] == conference.get_absolute_url()
    membres = sorted(conference.membres.values_list("nom", "organisation"))
    assert membres == [("Léa Faure", "CGPME"), ("Paul Roux", "CGT")]
    assert list(conference.aires.all()) == [monde.aire_marseille]
    messages = messages_de(reponse)
    assert "La conférence « Conférence de Grenoble » est enregistrée." in messages
    assert any("postérieure à la date limite du protocole" in m for m in messages)  # a warning, not a refusal

    page = client.get(conference.get_absolute_url()).content.decode()
    assert "Paul Roux — CGT, Vice-président" in page
    assert "Historique des modifications" in page
    assert "uesl-test" in page


def test_un_refus_dit_pourquoi_et_garde_la_saisie(client, monde):
    connecte(client, monde.utilisateurs["uesl"])
    donnees = {
        "nom": "Conférence de Nantes",
        "date_installation": "2012-05-01",
        **donnees_formset(membres=[{"nom": "Jean Lambert", "college": "employeurs", "organisation": "CFTC"}]),
    }
    reponse = client.post(reverse("conferences:conference_add"), donnees)
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Rien n'a été enregistré." in contenu
    assert "ne peut pas être installée avant la signature du protocole (27 juin 2012)" in contenu
    assert "L&#x27;organisation ne siège pas dans ce collège." in contenu
    assert 'value="Conférence de Nantes"' in contenu
    assert 'value="Jean Lambert"' in contenu
    assert not ConferenceTerritoriale.objects.filter(nom="Conférence de Nantes").exists()
    assert not MembreConference.objects.filter(nom="Jean Lambert").exists()


def test_chercher_dans_une_longue_liste_ne_sauve_rien_et_garde_la_saisie(client, monde):
    connecte(client, monde.utilisateurs["uesl"])
    donnees = {
        "nom": "Conférence en cours de saisie",
        "aires": [monde.aire_lyon.pk],
        "aires_recherche": "marseille",
        "_filtrer": "aires",
        **donnees_formset(membres=[{"nom": "Nina Moreau"}]),
    }
    reponse = client.post(reverse("conferences:conference_add"), donnees)
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert not ConferenceTerritoriale.objects.filter(nom="Conférence en cours de saisie").exists()
    assert "Rien n'a été enregistré" not in contenu  # no judgement on an unfinished form
    assert 'value="Conférence en cours de saisie"' in contenu
    assert 'value="Nina Moreau"' in contenu
    selection = re.search(r'id="id_aires_selection"[^>]*>(.*?)</div>', contenu, re.S).group(1)
    assert "Lyon (002)" in selection and "checked" in selection  # the ticked area stays
    aires = re.search(r'id="id_aires_liste">(.*?)</div>', contenu, re.S).group(1)
    assert "Marseille - Aix-en-Provence (003)" in aires and "Lyon" not in aires and "checked" not in aires
    assert "1 résultat pour « marseille »." in contenu

    # The same search works from the URL, for a first visit.
    reponse = client.get(reverse("conferences:conference_add") + "?aires_recherche=lyon")
    aires = re.search(r'id="id_aires_liste">(.*?)</div>', reponse.content.decode(), re.S).group(1)
    assert "Lyon (002)" in aires and "Marseille" not in aires


def zone(contenu, suffixe):
    """The HTML of one part of the areas' chooser: `selection` (the chosen ones) or `liste` (the matches)."""
    return re.search(rf'id="id_aires_{suffixe}"[^>]*>(.*?)</div>', contenu, re.S).group(1)


def test_sans_javascript_on_cherche_choisit_retire_puis_enregistre(client, monde):
    """The chooser's whole journey through « Rechercher »: nothing is saved until « Enregistrer »."""
    connecte(client, monde.utilisateurs["uesl"])
    url = reverse("conferences:conference_edit", args=[monde.lyon.pk])
    contenu = client.get(url).content.decode()
    assert "Lyon (002)" in zone(contenu, "selection") and zone(contenu, "liste") == ""  # nothing typed, none offered
    assert "Tapez une partie du nom ou du code pour trouver un choix." in contenu
    assert 'role="status" aria-live="polite"' in contenu

    base = {**donnees_conference(monde, "Conférence de Lyon", 1), "_filtrer": "aires"}
    # Search, then tick Marseille among the matches: both are kept across the next search.
    contenu = client.post(url, {**base, "aires_recherche": "MARSEILLE"}).content.decode()
    assert "1 résultat pour « MARSEILLE »." in contenu
    assert "Marseille - Aix-en-Provence (003)" in zone(contenu, "liste")
    choisies = [monde.aire_lyon.pk, monde.aire_marseille.pk]
    contenu = client.post(url, {**base, "aires": choisies, "aires_recherche": "zzz"}).content.decode()
    selection = zone(contenu, "selection")
    assert "Lyon (002)" in selection and "Marseille - Aix-en-Provence (003)" in selection
    assert selection.count("checked") == 2
    assert "Aucun résultat pour « zzz »." in contenu
    assert 'value="zzz"' in contenu  # what was typed stays
    # Unticking Lyon removes it from the selection at the next search.
    contenu = client.post(url, {**base, "aires": [monde.aire_marseille.pk], "aires_recherche": ""}).content.decode()
    assert "Lyon" not in zone(contenu, "selection")
    assert list(ConferenceTerritoriale.objects.get(pk=monde.lyon.pk).aires.all()) == [monde.aire_lyon]

    reponse = client.post(
        url, {**donnees_conference(monde, "Conférence de Lyon", 1), "aires": [monde.aire_marseille.pk]}
    )
    assert reponse.status_code == 302
    assert list(ConferenceTerritoriale.objects.get(pk=monde.lyon.pk).aires.all()) == [monde.aire_marseille]


@pytest.mark.parametrize(
    ("valeur", "message"),
    [
        ("999999", "Sélectionnez un choix valide. 999999 n’en fait pas partie."),
        ("abc", "«\u00a0abc\u00a0» n’est pas une valeur correcte."),
        ("1\x00", "Sélectionnez un choix valide.  n’en fait pas partie."),
    ],
)
def test_un_choix_inconnu_est_refuse_en_francais(client, monde, valeur, message):
    connecte(client, monde.utilisateurs["uesl"])
    donnees = {"nom": "Conférence de Brest", "aires": [valeur], "bassins_recherche": "x" * 500, **donnees_formset()}
    reponse = client.post(reverse("conferences:conference_add"), donnees)
    assert reponse.status_code == 200
    assert reponse.context["form"].errors["aires"] == [message]
    assert "Rien n'a été enregistré." in reponse.content.decode()
    assert not ConferenceTerritoriale.objects.filter(nom="Conférence de Brest").exists()


def donnees_conference(monde, nom, version):
    return {
        "nom": nom,
        "date_installation": "2012-11-15",
        "aires": [monde.aire_lyon.pk],
        "version": str(version),
        **donnees_formset(existants=[(monde.membre_lyon.pk, donnees_membre(monde.membre_lyon), False)]),
    }


def test_modification_concurrente_refusee_puis_confirmee_en_connaissance_de_cause(client, monde):
    from django.test import Client

    autre = connecte(Client(), monde.utilisateurs["admin"])
    connecte(client, monde.utilisateurs["uesl"])
    url = reverse("conferences:conference_edit", args=[monde.lyon.pk])
    assert 'name="version" value="1"' in client.get(url).content.decode()
    assert 'name="version" value="1"' in autre.get(url).content.decode()

    assert client.post(url, donnees_conference(monde, "Conférence Lyon Métropole", 1)).status_code == 302
    reponse = autre.post(url, donnees_conference(monde, "Conférence du Grand Lyon", 1))
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "a été modifié par quelqu&#x27;un d&#x27;autre depuis que vous avez ouvert ce formulaire" in contenu
    assert "Nom : Conférence de Lyon → Conférence Lyon Métropole (modifié par uesl-test le " in contenu
    assert 'value="Conférence du Grand Lyon"' in contenu  # the refused input is kept
    assert 'name="version" value="2"' in contenu  # saving again now confirms it
    assert ConferenceTerritoriale.objects.get(pk=monde.lyon.pk).nom == "Conférence Lyon Métropole"

    assert autre.post(url, donnees_conference(monde, "Conférence du Grand Lyon", 2)).status_code == 302
    assert ConferenceTerritoriale.objects.get(pk=monde.lyon.pk).nom == "Conférence du Grand Lyon"


def test_le_secretariat_modifie_les_membres_de_sa_conference(client, monde):
    connecte(client, monde.utilisateurs["secretariat"])
    page = client.get(monde.lyon.get_absolute_url()).content.decode()
    assert reverse("conferences:membres_edit", args=[monde.lyon.pk]) in page
    donnees = {
        "version": "1",
        **donnees_formset(
            existants=[(monde.membre_lyon.pk, {**donnees_membre(monde.membre_lyon), "fonction": "Membre"}, False)],
            membres=[{"nom": "Marc Garnier", "college": "salaries", "organisation": "CFDT"}],
        ),
    }
    reponse = client.post(reverse("conferences:membres_edit", args=[monde.lyon.pk]), donnees)
    assert reponse.status_code == 302
    assert "La composition de la conférence « Conférence de Lyon » est enregistrée." in messages_de(reponse)
    assert MembreConference.objects.get(pk=monde.membre_lyon.pk).fonction == "Membre"
    page = client.get(monde.lyon.get_absolute_url()).content.decode()
    assert "Membre « Anne Durand »" in page  # the history names whose record changed
    assert "<del>Présidente</del> → <ins>Membre</ins>" in page


def test_reunion_enregistree_puis_corrigee_avec_son_historique(client, monde):
    connecte(client, monde.utilisateurs["secretariat"])
    reponse = client.post(
        reverse("conferences:reunion_add", args=[monde.lyon.pk]),
        {"date": "2013-06-20", "lieu": "Villeurbanne", "ordre_du_jour": "Objectifs 2014", "nb_participants": "7"},
    )
    reunion = Reunion.objects.get(lieu="Villeurbanne")
    assert reponse.status_code == 302
    assert "La réunion du 20/06/2013 est enregistrée." in messages_de(reponse)
    assert reunion.history.get().history_user == monde.utilisateurs["secretariat"]

    reponse = client.post(
        reverse("conferences:reunion_edit", args=[reunion.pk]),
        {"date": "2013-06-20", "lieu": "Lyon", "ordre_du_jour": "Objectifs 2014", "nb_participants": "8"},
    )
    assert reponse["Location"] == reverse("conferences:reunion_detail", args=[reunion.pk])
    page = client.get(reponse["Location"]).content.decode()
    assert "<del>Villeurbanne</del> → <ins>Lyon</ins>" in page
    assert "Nombre de participants" in page
    assert "secretariat-lyon" in page


@pytest.mark.usefixtures("communes")  # Lyon's secretariat may choose the intercommunalities of its areas
def test_association_refusee_garde_le_commentaire(client, monde):
    connecte(client, monde.utilisateurs["secretariat"])
    reponse = client.post(
        reverse("conferences:association_add", args=[monde.lyon.pk]),
        {
            "intercommunalite": monde.epci_lyon.pk,
            "document": "PDU",
            "etat": "avis_rendu",
            "date_sollicitation": "2013-04-01",
            "commentaire": "Avis favorable",
        },
    )
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Un avis rendu doit avoir sa date." in contenu
    assert "Avis favorable</textarea>" in contenu
    assert 'value="1" id="id_intercommunalite_0" required checked' in contenu or "checked" in contenu


def test_calendrier_des_reunions(client, monde):
    connecte(client, monde.utilisateurs["elu"])
    url = reverse("conferences:reunions_ics", args=[monde.lyon.pk])
    assert url == f"/conferences/{monde.lyon.pk}/reunions.ics"
    assert url in client.get(monde.lyon.get_absolute_url()).content.decode()
    reponse = client.get(url)
    assert reponse["Content-Type"] == "text/calendar; charset=utf-8"
    contenu = reponse.content.decode()
    assert contenu.count("BEGIN:VEVENT") == 1
    assert "DTSTART;VALUE=DATE:20130312" in contenu


def test_les_pages_de_saisie_gardent_un_nombre_de_requetes_constant(client, demo, django_assert_max_num_queries):
    """With the demo data, then with more members, meetings and history: the same number of queries."""
    uesl = get_user_model().objects.get(username="uesl")
    connecte(client, uesl)
    prechauffer_alertes(uesl)
    lyon = ConferenceTerritoriale.objects.get(nom__startswith="Conférence territoriale Rhône-Alpes – Lyon")

    def pages():
        return [
            reverse("conferences:conference_add"),
            reverse("conferences:conference_edit", args=[lyon.pk]),
            reverse("conferences:membres_edit", args=[lyon.pk]),
            reverse("conferences:reunion_add", args=[lyon.pk]),
            reverse("conferences:reunion_edit", args=[lyon.reunions.first().pk]),
            reverse("conferences:reunion_detail", args=[lyon.reunions.first().pk]),
            reverse("conferences:association_add", args=[lyon.pk]),
            reverse("conferences:association_edit", args=[lyon.associations.first().pk]),
            reverse("conferences:observation_add", args=[lyon.pk]),
            reverse("conferences:observation_edit", args=[lyon.observations.first().pk]),
            reverse("conferences:conference_detail", args=[lyon.pk]),
            reverse("conferences:reunions_ics", args=[lyon.pk]),
        ]

    def compter():
        comptes = {}
        for url in pages():
            # 24: the conference page reads the closed years once, to say so in its per-year table, and whether
            # the person follows it (its button).
            with CaptureQueriesContext(connection) as requetes, django_assert_max_num_queries(24):
                assert client.get(url).status_code == 200, url
            comptes[url] = len(requetes.captured_queries)
        return comptes

    avant = compter()
    from conferences import services

    for rang in range(5):
        reunion = lyon.reunions.first()
        reunion.lieu = f"Salle {rang}"
        services.enregistrer_reunion(reunion, uesl)
        services.enregistrer_reunion(Reunion(conference=lyon, date=datetime.date(2014, 1, 1 + rang)), uesl)
        conference = ConferenceTerritoriale.objects.get(pk=lyon.pk)
        conference.nom = f"{lyon.nom} {rang}"
        services.modifier_conference(
            conference,
            uesl,
            conference.version,
            bassins=list(lyon.bassins.all()),
            aires=list(lyon.aires.all()),
            membres=[MembreConference(nom=f"Membre {rang}", college="salaries", organisation="CGT")],
        )
    assert compter() == avant


def test_observation_sans_conference_modifiable_par_l_equipe(client, monde):
    """Observations recorded in the administration may have no conference: staff can still edit them."""
    from conferences.models import Observation

    orpheline = Observation.objects.create(titre="Étude nationale", date=datetime.date(2014, 3, 3))
    url = reverse("conferences:observation_edit", args=[orpheline.pk])
    connecte(client, monde.utilisateurs["secretariat"])
    assert client.get(url).status_code == 403
    connecte(client, monde.utilisateurs["uesl"])
    assert client.get(url).status_code == 200
    reponse = client.post(url, {"titre": "Étude nationale 2014", "date": "2014-03-03", "nature": "etude"})
    assert reponse["Location"] == reverse("conferences:conference_list")
    assert Observation.objects.get(pk=orpheline.pk).titre == "Étude nationale 2014"

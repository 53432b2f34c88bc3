"""Text typed in every field comes back escaped on every page that shows it; the calendar feed stays valid."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conferences.calendrier import echapper
from conferences.models import AssociationProgrammation, ConferenceTerritoriale, MembreConference, Observation, Reunion
from engagements.models import Objectif, Realisation
from tests.acteurs import DISPOSITIF_LIBRE, connecte, donnees_formset

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
PIEGE = f"{SCRIPT} \"guillemets\" 'apostrophe' &amp; &lt; point-virgule; virgule,"
SCRIPT_ECHAPPE = "&lt;script&gt;alert(1)&lt;/script&gt;"
PIEGE_ECHAPPE = (
    f"{SCRIPT_ECHAPPE} &quot;guillemets&quot; &#x27;apostrophe&#x27; &amp;amp; &amp;lt; point-virgule; virgule,"
)


def page(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 200, url
    contenu = reponse.content.decode()
    assert SCRIPT not in contenu, url
    return contenu


@pytest.fixture
def saisies(client, monde):
    """Every text field of the write pages filled with the trap, through the pages themselves."""
    connecte(client, monde.utilisateurs["uesl"])

    def poster(url, donnees):
        reponse = client.post(url, donnees)
        assert reponse.status_code == 302, reponse.content.decode()[-3000:]

    poster(
        reverse("conferences:conference_add"),
        {
            "nom": f"Conférence {PIEGE}",
            "date_installation": "2012-12-01",
            "aires": [monde.aire_lyon.pk],
            **donnees_formset(
                membres=[{"nom": PIEGE, "college": "salaries", "organisation": "CGT", "fonction": PIEGE}]
            ),
        },
    )
    conference = ConferenceTerritoriale.objects.get(nom=f"Conférence {PIEGE}")
    poster(
        reverse("conferences:reunion_add", args=[conference.pk]),
        {"date": "2013-03-01", "lieu": PIEGE, "ordre_du_jour": PIEGE, "compte_rendu": PIEGE, "participants": PIEGE},
    )
    reunion = Reunion.objects.get(conference=conference)
    poster(
        reverse("conferences:association_add", args=[conference.pk]),
        {
            "intercommunalite": monde.epci_lyon.pk,
            "document": "PLH",
            "etat": "sollicitee",
            "date_sollicitation": "2013-04-01",
            "commentaire": PIEGE,
        },
    )
    poster(
        reverse("conferences:observation_add", args=[conference.pk]),
        {
            "titre": PIEGE,
            "date": "2013-05-01",
            "nature": "observation",
            "aires": [monde.aire_lyon.pk],
            "resume": PIEGE,
            "chiffres_cles": PIEGE,
        },
    )
    poster(
        reverse("engagements:objectif_add"),
        {
            "aire": monde.aire_lyon.pk,
            "conference": conference.pk,
            "dispositif": DISPOSITIF_LIBRE,
            "annee": "2013",
            "cible": "10",
            "unite": "logements",
            "notes": PIEGE,
        },
    )
    objectif = Objectif.objects.get(dispositif=DISPOSITIF_LIBRE)
    poster(
        reverse("engagements:realisation_add", args=[objectif.pk]),
        {"date": "2013-06-01", "quantite": "3", "commentaire": PIEGE},
    )
    # A change too, so that the trap is also in the history's old → new values.
    poster(
        reverse("conferences:reunion_edit", args=[reunion.pk]),
        {"date": "2013-03-01", "lieu": "Lyon", "ordre_du_jour": PIEGE, "compte_rendu": PIEGE, "participants": PIEGE},
    )
    poster(
        reverse("engagements:objectif_edit", args=[objectif.pk]),
        {
            "aire": monde.aire_lyon.pk,
            "conference": conference.pk,
            "dispositif": DISPOSITIF_LIBRE,
            "annee": "2013",
            "cible": "12",
            "motif_revision": PIEGE,
            "unite": "logements",
            "notes": "Sans piège",
            "version": "1",
        },
    )
    return {
        "monde": monde,
        "conference": conference,
        "reunion": reunion,
        "association": AssociationProgrammation.objects.get(conference=conference),
        "observation": Observation.objects.get(conference=conference),
        "objectif": objectif,
        "realisation": Realisation.objects.get(objectif=objectif),
        "membre": MembreConference.objects.get(conference=conference),
    }


def test_les_saisies_sont_enregistrees_telles_quelles(saisies):
    assert saisies["membre"].nom == PIEGE
    assert saisies["reunion"].compte_rendu == PIEGE
    assert saisies["realisation"].commentaire == PIEGE


def test_pages_de_consultation(client, saisies):
    conference, objectif = saisies["conference"], saisies["objectif"]
    detail = page(client, conference.get_absolute_url())
    # Name, member name and function, meeting agenda, association comment, observation title/summary/figures.
    assert detail.count(PIEGE_ECHAPPE) >= 8
    assert "<del>" + PIEGE_ECHAPPE + "</del> → <ins>Lyon</ins>" not in detail  # meeting history is on its own page

    reunion = page(client, reverse("conferences:reunion_detail", args=[saisies["reunion"].pk]))
    assert reunion.count(PIEGE_ECHAPPE) >= 3  # agenda, minutes, participants
    assert f"<del>{PIEGE_ECHAPPE}</del> → <ins>Lyon</ins>" in reunion  # history of the place

    objectif_page = page(client, objectif.get_absolute_url())
    assert f"<del>{PIEGE_ECHAPPE}</del> → <ins>Sans piège</ins>" in objectif_page  # history of the notes
    assert PIEGE_ECHAPPE in objectif_page  # achievement comment, and the conference's name
    realisation = page(client, reverse("engagements:realisation_detail", args=[saisies["realisation"].pk]))
    assert PIEGE_ECHAPPE in realisation

    for url in ("/conferences/", "/deploiement/", "/aires/?avec_conference=oui"):
        assert PIEGE_ECHAPPE in page(client, url), url
    page(client, "/objectifs/")
    aire = page(client, saisies["monde"].aire_lyon.get_absolute_url())
    assert aire.count(PIEGE_ECHAPPE) >= 4  # conference, observation title, summary, key figures
    page(client, "/")  # the dashboard counts; it must still render
    page(client, "/rapports/")


def test_pages_de_saisie(client, saisies):
    urls = [
        reverse("conferences:conference_edit", args=[saisies["conference"].pk]),
        reverse("conferences:membres_edit", args=[saisies["conference"].pk]),
        reverse("conferences:reunion_edit", args=[saisies["reunion"].pk]),
        reverse("conferences:association_edit", args=[saisies["association"].pk]),
        reverse("conferences:observation_edit", args=[saisies["observation"].pk]),
        reverse("engagements:objectif_edit", args=[saisies["objectif"].pk]),
        reverse("engagements:realisation_edit", args=[saisies["realisation"].pk]),
    ]
    for url in urls:
        assert PIEGE_ECHAPPE in page(client, url), url


def test_refus_de_version_et_apercu_d_import(client, saisies):
    conference = saisies["conference"]
    url = reverse("conferences:conference_edit", args=[conference.pk])
    donnees = {"date_installation": "2012-12-01", "version": "1", **donnees_formset()}
    assert client.post(url, {**donnees, "nom": "Conférence renommée"}).status_code == 302
    reponse = client.post(url, {**donnees, "nom": f"Seconde {PIEGE}"})
    contenu = reponse.content.decode()
    assert SCRIPT not in contenu
    assert f"Nom : Conférence {PIEGE_ECHAPPE} → Conférence renommée (modifié par uesl-test le " in contenu
    assert f'value="Seconde {PIEGE_ECHAPPE}"' in contenu

    contenu_fichier = (
        "Code aire,Dispositif,Année,Date réalisation,Quantité réalisée,Commentaire\n"
        f'002,{DISPOSITIF_LIBRE},2013,01/07/2013,1,"{PIEGE.replace(chr(34), chr(34) * 2)}"\n'
    )
    reponse = client.post(
        reverse("engagements:realisation_import"),
        {"fichier": SimpleUploadedFile("r.csv", contenu_fichier.encode())},
    )
    assert PIEGE_ECHAPPE in page(client, reponse["Location"])

    mauvais = f"Code aire,Dispositif,Année,Date réalisation,Quantité réalisée\n{SCRIPT},x,2013,01/07/2013,1\n"
    reponse = client.post(
        reverse("engagements:realisation_import"), {"fichier": SimpleUploadedFile("r.csv", mauvais.encode())}
    )
    contenu = reponse.content.decode()
    assert SCRIPT not in contenu
    assert "&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;" in contenu  # the report quotes the (upper-cased) code, escaped


def test_le_flux_ics_reste_valide(client, saisies):
    reponse = client.get(reverse("conferences:reunions_ics", args=[saisies["conference"].pk]))
    assert reponse["Content-Type"].startswith("text/calendar")
    contenu = reponse.content.decode()
    lignes = contenu.split("\r\n")
    assert lignes[-1] == ""
    for ligne in lignes[:-1]:
        assert len(ligne.encode()) <= 75
        assert ligne.startswith(" ") or re.match(r"^[A-Z-]+[;:]", ligne), ligne
    deplie = contenu.replace("\r\n ", "")
    assert f"X-WR-CALNAME:{echapper('Conférence ' + PIEGE)}\r\n" in deplie
    assert echapper(PIEGE).endswith("point-virgule\\; virgule\\,")
    assert "LOCATION:Lyon\r\n" in deplie
    (description,) = [ligne for ligne in deplie.split("\r\n") if ligne.startswith("DESCRIPTION:")]
    assert "\n" not in description
    assert description == "DESCRIPTION:" + echapper(f"Ordre du jour :\n{PIEGE}\n\nParticipants :\n{PIEGE}")
    assert deplie.count("BEGIN:VEVENT") == deplie.count("END:VEVENT") == 1

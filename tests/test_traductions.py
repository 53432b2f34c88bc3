"""The English catalogue: complete, in step with the source, compiled, and no French left on an English page."""

import csv
import gettext
import io
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.test import Client
from django.utils import translation
from django.utils.text import Truncator

RACINE = Path(__file__).resolve().parents[1]
CATALOGUE = RACINE / "locale" / "en" / "LC_MESSAGES" / "django.po"
APPS_DU_PROJET = ("partenariat", "aires_urbaines", "conferences", "engagements")
# What `make messages` reads: the code and templates of the product, not the tests nor the reference data files.
SOURCES = ("manage.py", "partenariat", "aires_urbaines", "conferences", "engagements", "templates", "static")
IGNORES = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "referentiels", "*.csv", "*.gz", "*.xlsx", "*.zip", "*.svg", "*.png", "*.woff*", "locale"
)


def msgfmt():
    chemin = shutil.which("msgfmt")
    if chemin is None:
        pytest.fail("msgfmt est introuvable : installez le paquet Debian « gettext ».")
    return chemin


# --- Reading PO files ---------------------------------------------------------------------------------------------


def _chaine(lignes):
    texte = "".join(re.fullmatch(r'"(.*)"', ligne.strip()).group(1) for ligne in lignes)
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), texte)


def entrees_po(chemin):
    """{(msgctxt, msgid, msgid_plural): msgstr or (msgstr[0], msgstr[1])} of a PO file; obsolete entries left out."""
    entrees = {}
    for bloc in re.split(r"\n\s*\n", Path(chemin).read_text(encoding="utf-8")):
        champs, courant, fuzzy = {}, None, False
        for ligne in bloc.splitlines():
            if ligne.startswith("#~"):
                champs, courant = {}, None
                break
            if ligne.startswith("#,") and "fuzzy" in ligne:
                fuzzy = True
            if ligne.startswith("#") or not ligne.strip():
                continue
            if ligne.startswith('"'):
                champs[courant].append(ligne)
                continue
            courant, valeur = ligne.split(" ", 1)
            champs[courant] = [valeur]
        if "msgid" not in champs:
            continue
        msgid = _chaine(champs["msgid"])
        if not msgid:
            continue  # the header
        cle = (
            _chaine(champs["msgctxt"]) if "msgctxt" in champs else None,
            msgid,
            _chaine(champs["msgid_plural"]) if "msgid_plural" in champs else None,
        )
        if cle[2] is None:
            valeur = _chaine(champs.get("msgstr", ['""']))
        else:
            valeur = tuple(_chaine(champs.get(f"msgstr[{i}]", ['""'])) for i in range(2))
        entrees[cle] = ("fuzzy", valeur) if fuzzy else valeur
    return entrees


# --- (a) complete, (b) in step with the source, (c) compiled ------------------------------------------------------


def test_catalogue_anglais_complet():
    resultat = subprocess.run(
        [msgfmt(), "--check", "--statistics", "-o", os.devnull, str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stderr
    statistiques = resultat.stderr.strip().splitlines()[-1]
    assert "untranslated" not in statistiques and "fuzzy" not in statistiques, statistiques
    vides = [
        cle
        for cle, valeur in entrees_po(CATALOGUE).items()
        if valeur[0] == "fuzzy" or not all(valeur if isinstance(valeur, tuple) else (valeur,))
    ]
    assert not vides, vides[:20]


def test_catalogue_a_jour_avec_les_sources(tmp_path):
    """`makemessages` on a copy of the sources finds no string that the catalogue lacks."""
    copie = tmp_path / "projet"
    for nom in SOURCES:
        source = RACINE / nom
        if source.is_dir():
            shutil.copytree(source, copie / nom, ignore=IGNORES)
        else:
            copie.mkdir(exist_ok=True)
            shutil.copy(source, copie / nom)
    sortie = tmp_path / "locale"
    # The catalogue is written to the copy only: the settings' LOCALE_PATHS is replaced, never the project's.
    (tmp_path / "reglages_extraction.py").write_text(
        f"from partenariat.settings import *  # noqa: F403\nLOCALE_PATHS = [{str(sortie)!r}]\n", encoding="utf-8"
    )
    environnement = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reglages_extraction",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(RACINE)]),
        "SECRET_KEY": "extraction",
    }
    resultat = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-location"],
        cwd=copie,
        env=environnement,
        capture_output=True,
        text=True,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stderr
    extraites = entrees_po(sortie / "en" / "LC_MESSAGES" / "django.po")
    assert len(extraites) > 100  # the extraction did read the sources
    presentes = entrees_po(CATALOGUE)
    manquantes = sorted(set(extraites) - set(presentes), key=lambda cle: (cle[0] or "", cle[1]))
    assert not manquantes, (
        f"{len(manquantes)} chaînes absentes du catalogue anglais (make messages) : {manquantes[:30]}"
    )


@pytest.mark.parametrize("langue", ["fr", "en"])
def test_mo_compile_a_jour(tmp_path, langue):
    dossier = RACINE / "locale" / langue / "LC_MESSAGES"
    compile_ = tmp_path / "django.mo"
    subprocess.run([msgfmt(), "-o", str(compile_), str(dossier / "django.po")], check=True, capture_output=True)
    with open(compile_, "rb") as attendu, open(dossier / "django.mo", "rb") as present:
        assert gettext.GNUTranslations(present)._catalog == gettext.GNUTranslations(attendu)._catalog, (
            f"locale/{langue}/LC_MESSAGES/django.mo n'est pas à jour : make messages (compilemessages)"
        )


# --- (d) English pages ------------------------------------------------------------------------------------------

# Words and signs of French that English UI text never holds (whole words, any case), and accented letters.
# fmt: off
MOTS_FRANCAIS = (
    "le", "la", "les", "des", "du", "de", "un", "une", "au", "aux", "et", "ou", "pour", "avec", "dans", "sur",
    "par", "est", "sont", "pas", "ce", "cette", "ces", "qui", "que", "vos", "votre", "aucun", "aucune",
    "enregistrer", "annuler", "modifier", "ajouter", "supprimer", "télécharger", "chercher", "rechercher",
    "filtrer", "suivant", "précédent", "connexion", "identifiant", "mot", "passe", "objectif", "objectifs",
    "réalisation", "réalisations", "conférence", "aire", "aires", "cible", "taux", "tableau", "bord",
    "déploiement", "rapport", "rapports", "année",
)
# fmt: on
RE_FRANCAIS = re.compile(r"\b(?:" + "|".join(map(re.escape, MOTS_FRANCAIS)) + r")\b|[éèêëàâçîïôûùüÿœæÉÈÊÀÇÔ«»]", re.I)
# Proper names that stay French in English (sources and licences), and the acronyms the brief keeps.
NOMS_PROPRES = ("Code Officiel Géographique", "Licence Ouverte", "COGugaison")
# Text no reader sees or that names nothing: scripts, styles.
BALISES_MUETTES = {"script", "style", "template"}
TRONQUES = re.compile(r"truncatechars:(\d+)")
ATTRIBUTS_LUS = ("aria-label", "title", "placeholder", "alt", "aria-description")


class TexteVisible(HTMLParser):
    """Text nodes and read attributes outside scripts, styles and elements declared in another language."""

    VIDES = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pile = []  # (tag, muted)
        self.morceaux = []

    def _muet(self):
        return bool(self.pile) and self.pile[-1][1]

    def handle_starttag(self, tag, attrs):
        attributs = dict(attrs)
        langue = (attributs.get("lang") or "").split("-")[0].lower()
        muet = self._muet() or tag in BALISES_MUETTES or (langue not in ("", "en"))
        if not muet:
            self.morceaux += [attributs[nom] for nom in ATTRIBUTS_LUS if attributs.get(nom)]
            if tag == "input" and attributs.get("type") in ("submit", "button", "reset") and attributs.get("value"):
                self.morceaux.append(attributs["value"])
        if tag not in self.VIDES:
            self.pile.append((tag, muet))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VIDES and self.pile and self.pile[-1][0] == tag:
            self.pile.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.pile) - 1, -1, -1):
            if self.pile[i][0] == tag:
                del self.pile[i:]
                break

    def handle_data(self, data):
        if not self._muet() and data.strip():
            self.morceaux.append(data)


def texte_visible(html):
    lecteur = TexteVisible()
    lecteur.feed(html)
    return "\n".join(" ".join(morceau.split()) for morceau in lecteur.morceaux)


def textes_des_donnees():
    """Every text the database holds (names, labels, comments, accounts): they stay as their authors wrote them."""
    textes = set()
    modeles = [m for label in APPS_DU_PROJET for m in apps.get_app_config(label).get_models()]
    for modele in [*modeles, get_user_model(), Group]:
        champs = [
            champ.attname
            for champ in modele._meta.concrete_fields
            if isinstance(champ, models.CharField | models.TextField) and not champ.choices
        ]
        for ligne in modele._default_manager.values_list(*champs) if champs else ():
            for valeur in ligne:
                if valeur:
                    texte = " ".join(str(valeur).split())
                    textes.add(texte)
                    textes.update(" ".join(morceau.split()) for morceau in str(valeur).splitlines() if morceau.strip())
    # Long texts as templates shorten them (`|truncatechars:200`), so that the shown part is taken out too.
    longueurs = {
        int(n) for gabarit in (RACINE / "templates").rglob("*.html") for n in TRONQUES.findall(gabarit.read_text())
    }
    textes.update(Truncator(texte).chars(n) for texte in list(textes) for n in longueurs if len(texte) > n)
    # Region names (the filter of /aires/) are proper names, written as in French in English too.
    from aires_urbaines.filters import REGIONS_2012

    for langue in ("fr", "en"):
        with translation.override(langue):
            textes.update(str(nom) for _code, nom in REGIONS_2012)
    # Only texts with a letter can look French; codes and numbers (« 015 ») would cut figures such as 2015.
    return sorted((texte for texte in textes if re.search(r"[^\W\d_]", texte)), key=len, reverse=True)


def sans_donnees(texte, donnees):
    """The page's text with every database text taken out (longest first, so that no name is half removed).

    Short texts (a zone « B1 », a login) are taken out only as whole words, not from inside English words.
    """
    for valeur in [valeur for valeur in donnees if valeur in texte]:
        if len(valeur) > 4:
            texte = texte.replace(valeur, " ")
        else:
            texte = re.sub(rf"(?<!\w){re.escape(valeur)}(?!\w)", " ", texte)
    for nom in NOMS_PROPRES:
        texte = texte.replace(nom, " ")
    return texte


def restes_francais(texte):
    """The lines of text (a text node, an attribute) holding French, each once: the failure says what to translate."""
    return list(dict.fromkeys(ligne.strip() for ligne in texte.splitlines() if RE_FRANCAIS.search(ligne)))


def pages_anglaises():
    from conferences.models import AssociationProgrammation, ConferenceTerritoriale, Observation, Reunion
    from engagements.models import Objectif, Realisation

    conference = ConferenceTerritoriale.objects.get(nom__contains="Lyon")
    objectif = Objectif.objects.filter(aire__code="002").order_by("pk").first()
    reunion = Reunion.objects.filter(conference=conference).order_by("pk").first()
    realisation = Realisation.objects.filter(objectif=objectif).order_by("pk").first()
    association = AssociationProgrammation.objects.filter(conference=conference).order_by("pk").first()
    observation = Observation.objects.filter(conference=conference).order_by("pk").first()
    pages = [
        "/",
        "/deploiement/",
        "/deploiement/?date=2013-06-30",
        "/aires/",
        "/aires/?phase=prioritaire-2013&sort=-taux",
        "/aires/?date=2099-02-30",
        "/aires/002/",
        "/aires/carte/",
        "/aires/carte/?mode=avancement&date=2013-06-30",
        "/objectifs/",
        "/objectifs/?statut=en_retard",
        f"/objectifs/{objectif.pk}/",
        "/objectifs/ajouter/",
        f"/objectifs/{objectif.pk}/modifier/",
        f"/objectifs/{objectif.pk}/realisations/ajouter/",
        "/objectifs/importer/",
        "/conferences/",
        f"/conferences/{conference.pk}/",
        "/conferences/ajouter/",
        f"/conferences/{conference.pk}/modifier/",
        f"/conferences/{conference.pk}/membres/modifier/",
        f"/conferences/{conference.pk}/reunions/ajouter/",
        f"/conferences/{conference.pk}/associations/ajouter/",
        f"/conferences/{conference.pk}/observations/ajouter/",
        "/rapports/",
        "/comptes/mot-de-passe/",
        "/aires/ZZZ/",
    ]
    for modele, gabarit in (
        (reunion, "/conferences/reunions/{}/"),
        (realisation, "/objectifs/realisations/{}/"),
        (association, "/conferences/associations/{}/modifier/"),
        (observation, "/conferences/observations/{}/modifier/"),
    ):
        if modele is not None:
            pages.append(gabarit.format(modele.pk))
    return pages


@pytest.fixture
def anglais(demo):
    """A UESL team member who chose English with the header switch."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="uesl"))
    assert client.post("/langue/", {"language": "en", "next": "/"}).status_code == 302
    return client


@pytest.mark.django_db
def test_pages_anglaises_sans_texte_francais(anglais):
    donnees = textes_des_donnees()
    en_defaut = {}
    for url in pages_anglaises():
        response = anglais.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        html = response.content.decode()
        assert '<html lang="en">' in html, url
        restes = restes_francais(sans_donnees(texte_visible(html), donnees))
        if restes:
            en_defaut[url] = restes[:40]
    assert not en_defaut, "\n".join(f"{url} : {restes}" for url, restes in en_defaut.items())


@pytest.mark.django_db
def test_pages_publiques_anglaises_sans_texte_francais(demo):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    donnees = textes_des_donnees()
    en_defaut = {}
    for url in ("/comptes/connexion/", "/comptes/mot-de-passe/oublie/", "/comptes/mot-de-passe/oublie/envoye/"):
        html = client.get(url).content.decode()
        assert '<html lang="en">' in html, url
        restes = restes_francais(sans_donnees(texte_visible(html), donnees))
        if restes:
            en_defaut[url] = restes[:40]
    mauvais = client.post("/comptes/connexion/", {"username": "elu", "password": "mauvais mot de passe"})
    restes = restes_francais(sans_donnees(texte_visible(mauvais.content.decode()), donnees))
    if restes:
        en_defaut["/comptes/connexion/ (refus)"] = restes[:40]
    assert not en_defaut, "\n".join(f"{url} : {restes}" for url, restes in en_defaut.items())


@pytest.mark.django_db
@pytest.mark.parametrize("liste", ["/aires/", "/objectifs/", "/conferences/"])
def test_en_tetes_des_exports_en_anglais(anglais, liste):
    response = anglais.get(f"{liste}?_export=csv")
    entetes = next(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert entetes
    restes = restes_francais("\n".join(entetes))
    assert not restes, entetes


def test_catalogue_francais_est_la_source_elle_meme():
    """French is the source language: every French entry says its own msgid (a fuzzy guess left in would show
    another message's text, with other placeholders)."""
    francais = gettext.GNUTranslations((RACINE / "locale" / "fr" / "LC_MESSAGES" / "django.mo").open("rb"))
    differents = [
        (cle, texte)
        for cle, texte in francais._catalog.items()
        if cle and not isinstance(cle, tuple) and "\x04" not in cle and texte != cle
    ]
    assert not differents, differents[:5]

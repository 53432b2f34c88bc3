"""Every page type is valid HTML for the Nu HTML Checker (its npm package `vnu-jar`, run with Java).

The pages are rendered by Django's test client as the people who see them, written to files, and checked by one
Java process: the JVM takes seconds to start, the check itself a fraction of that.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views import defaults

from conferences.models import ConferenceTerritoriale
from engagements.models import Objectif
from tests.acteurs import connecte_compte
from tests.rapports import preparer_les_rapports_en_attente

VNU = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def commande_vnu():
    manque = []
    java = shutil.which("java")
    if not java:
        manque.append("java est introuvable (paquet Debian default-jre-headless)")
    if not VNU.exists():
        manque.append("vnu.jar est introuvable (npm ci à la racine du projet)")
    if manque:
        message = " ; ".join(manque)
        if os.environ.get("CI"):
            pytest.fail(f"Validation HTML impossible alors que CI=true : {message}.")
        pytest.skip(message)
    return [java, "-Xss4m", "-jar", str(VNU), "--format", "json", "--errors-only"]


def _page(client, url, *, donnees=None, fichier=None, statut=200):
    if fichier is not None:
        reponse = client.post(url, {"fichier": fichier})
    elif donnees is not None:
        reponse = client.post(url, donnees)
    else:
        reponse = client.get(url, follow=True)
    assert reponse.status_code == statut, f"{url} : {reponse.status_code}"
    assert reponse["Content-Type"].startswith("text/html"), url
    return reponse.content.decode()


def pages_signe_out():
    client = Client()
    elu = get_user_model().objects.get(username="elu")
    lien = reverse(
        "reinitialisation",
        args=[urlsafe_base64_encode(force_bytes(elu.pk)), default_token_generator.make_token(elu)],
    )
    return {
        "connexion": _page(client, reverse("connexion")),
        "connexion refusée": _page(
            client, reverse("connexion"), donnees={"username": "elu", "password": "mauvais mot de passe"}
        ),
        "mot de passe oublié": _page(client, reverse("mot_de_passe_oublie")),
        "mot de passe oublié, adresse invalide": _page(
            client, reverse("mot_de_passe_oublie"), donnees={"email": "pas une adresse"}
        ),
        "mot de passe oublié, envoyé": _page(client, reverse("mot_de_passe_oublie_envoye")),
        "nouveau mot de passe": _page(client, lien),
        "lien de réinitialisation périmé": _page(client, lien.replace("/reinitialiser/", "/reinitialiser/x")),
        "réinitialisation terminée": _page(client, reverse("reinitialisation_terminee")),
        "déclaration d'accessibilité": _page(client, "/accessibilite/"),
        "désabonnement": _page(client, _lien_desabonnement()),
        "désabonnement fait": _page(client, _lien_desabonnement(), donnees={}),
        "connexion bloquée": _page_verrouillee(client),
        "données ouvertes": _page_donnees_ouvertes(client),
    }


def _page_donnees_ouvertes(client):
    from django.test import override_settings

    with override_settings(DONNEES_OUVERTES=True):
        return _page(client, reverse("donnees_ouvertes"))


def _lien_desabonnement():
    from django.contrib.auth import get_user_model

    from partenariat.alertes.resumes import jeton_desabonnement

    return reverse("desabonnement", args=[jeton_desabonnement(get_user_model().objects.get(username="elu"))])


def _page_verrouillee(client):
    """The page shown once an account is locked out after too many failed attempts."""
    for _essai in range(10):
        reponse = client.post(reverse("connexion"), {"username": "uesl", "password": "mauvais mot de passe"})
        if reponse.status_code != 200:
            break
    assert reponse.status_code == 429, reponse.status_code
    return reponse.content.decode()


def pages_lecture(client):
    lyon = ConferenceTerritoriale.objects.get(nom__contains="Lyon")
    objectif = Objectif.objects.filter(aire__code="002").order_by("pk").first()
    realisation = objectif.realisations.order_by("pk").first()
    reunion = lyon.reunions.order_by("pk").first()
    urls = [
        "/",
        "/deploiement/",
        "/deploiement/?date=2013-06-30",
        "/aires/",
        "/aires/?phase=prioritaire-2013&sort=-taux",
        "/aires/?date=2013-06-30&q=aire&per_page=100",
        "/aires/002/",
        "/aires/002/?date=2013-06-30",
        "/aires/carte/",
        "/aires/carte/?mode=avancement&date=2013-06-30",
        "/objectifs/",
        "/objectifs/?sort=statut&statut=en_retard",
        "/objectifs/?date=2013-06-30&annee=2013&phase=prioritaire-2013",
        f"/objectifs/{objectif.pk}/",
        f"/objectifs/realisations/{realisation.pk}/",
        "/conferences/",
        "/conferences/?sort=etat_installation&q=conf",
        f"/conferences/{lyon.pk}/",
        f"/conferences/reunions/{reunion.pk}/",
        "/rapports/",
        reverse("mot_de_passe"),
        "/accessibilite/",
        "/alertes/",
        "/alertes/?date=2014-06-30&genre=objectif_en_retard",
        reverse("suivis"),
        reverse("preferences"),
        reverse("jetons"),
    ]
    pages = {url: _page(client, url) for url in urls}
    national = "/rapports/national.pdf?annee=2014"
    pages[f"{national} (en préparation)"] = _page(client, national, statut=202)
    preparer_les_rapports_en_attente()
    pages[f"{national} (prêt)"] = _page(client, national + "&attente=1")
    pages[f"{reverse('jetons')} (jeton créé)"] = _page(
        client, reverse("jetons"), donnees={"nom": "Entrepôt de données", "portee": "lecture", "duree": "30"}
    )
    pages[f"{reverse('mot_de_passe')} (erreurs)"] = _page(
        client, reverse("mot_de_passe"), donnees={"old_password": "faux", "new_password1": "a", "new_password2": "b"}
    )
    return pages


def pages_saisie(client):
    lyon = ConferenceTerritoriale.objects.get(nom__contains="Lyon")
    objectif = Objectif.objects.filter(aire__code="002", annee=2014).order_by("pk").first()
    realisation = objectif.realisations.order_by("pk").first()
    urls = [
        reverse("conferences:conference_add"),
        reverse("conferences:conference_edit", args=[lyon.pk]),
        reverse("conferences:membres_edit", args=[lyon.pk]),
        reverse("conferences:reunion_add", args=[lyon.pk]),
        reverse("conferences:reunion_edit", args=[lyon.reunions.order_by("pk").first().pk]),
        reverse("conferences:association_add", args=[lyon.pk]),
        reverse("conferences:association_edit", args=[lyon.associations.order_by("pk").first().pk]),
        reverse("conferences:observation_add", args=[lyon.pk]),
        reverse("conferences:observation_edit", args=[lyon.observations.order_by("pk").first().pk]),
        reverse("engagements:objectif_add"),
        reverse("engagements:objectif_edit", args=[objectif.pk]),
        reverse("engagements:realisation_add", args=[objectif.pk]),
        reverse("engagements:realisation_edit", args=[realisation.pk]),
        reverse("engagements:realisation_import"),
    ]
    pages = {url: _page(client, url) for url in urls}
    # The same forms sent empty: every field's error message and the form's error summary.
    pages.update({f"{url} (erreurs)": _page(client, url, donnees={}) for url in urls})
    import_url = reverse("engagements:realisation_import")
    ligne = objectif.realisations.order_by("pk").first()
    contenu = (
        "Code aire,Aire urbaine,Dispositif,Année,Unité,Date réalisation,Quantité réalisée,Commentaire\n"
        f"002,Lyon,{objectif.dispositif},{objectif.annee},,{ligne.date:%d/%m/%Y},3,Livraison\n"
        f"002,Lyon,{objectif.dispositif},{objectif.annee},,{ligne.date:%d/%m/%Y},-3,Ligne refusée\n"
    )
    pages[f"{import_url} (fichier refusé)"] = _page(
        client, import_url, fichier=SimpleUploadedFile("realisations.csv", contenu.encode())
    )
    envoi = client.post(
        import_url, {"fichier": SimpleUploadedFile("realisations.csv", contenu.rsplit("\n", 2)[0].encode() + b"\n")}
    )
    assert envoi.status_code == 302, "le fichier d'essai devrait être accepté pour l'aperçu"
    pages[f"{import_url} (aperçu)"] = _page(client, envoi["Location"])
    return pages


def pages_d_erreur(client):
    requete = RequestFactory().get("/")
    return {
        "404": _page(client, "/aires/ZZZ/", statut=404),
        "403": _page(client, reverse("engagements:objectif_add"), statut=403),
        "400": defaults.bad_request(requete, SuspiciousOperation()).content.decode(),
        "500": defaults.server_error(requete).content.decode(),
    }


def erreurs_vnu(commande, pages, dossier):
    fichiers = {}
    for rang, (nom, html) in enumerate(pages.items()):
        chemin = dossier / f"page-{rang:03d}.html"
        chemin.write_text(html, encoding="utf-8")
        fichiers[chemin.name] = (nom, html.splitlines())
    resultat = subprocess.run(
        [*commande, *(str(dossier / f"page-{rang:03d}.html") for rang in range(len(pages)))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    rapport = json.loads(resultat.stderr or resultat.stdout)
    erreurs = []
    for message in rapport["messages"]:
        url = message.get("url", "?")
        nom, lignes = fichiers.get(url.rsplit("/", 1)[-1], (url, []))
        ligne = message.get("lastLine") or message.get("firstLine") or 0
        extrait = lignes[ligne - 1].strip()[:160] if 0 < ligne <= len(lignes) else message.get("extract", "")
        erreurs.append(f"{nom}, ligne {ligne} : {message['message']}\n      {extrait}")
    return erreurs


def test_chaque_type_de_page_est_du_html_valide(commande_vnu, demo, tmp_path):
    pages = {f"déconnecté : {nom}": html for nom, html in pages_signe_out().items()}
    client = connecte_compte(Client(), "uesl")
    pages.update({f"uesl : {url}": html for url, html in pages_lecture(client).items()})
    pages.update({f"uesl : {url}": html for url, html in pages_saisie(client).items()})
    # The same pages in English: the language switch, translated texts and French passages marked lang="fr".
    anglais = connecte_compte(Client(headers={"Accept-Language": "en"}), "uesl")
    pages_anglaises = pages_lecture(anglais)
    assert all('<html lang="en">' in html for html in pages_anglaises.values())
    pages.update({f"uesl, en anglais : {url}": html for url, html in pages_anglaises.items()})
    pages.update({f"elu : {nom}": html for nom, html in pages_d_erreur(connecte_compte(Client(), "elu")).items()})
    erreurs = erreurs_vnu(commande_vnu, pages, tmp_path)
    assert not erreurs, f"{len(erreurs)} erreurs du Nu HTML Checker sur {len(pages)} pages :\n" + "\n".join(erreurs)

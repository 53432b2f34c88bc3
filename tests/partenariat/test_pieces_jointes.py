"""Evidence files: what the upload checks accept and refuse (by content, before anything is stored), the private
storage, the download's headers, replacing with history, and what deleting does."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partenariat.commun.fichiers import DOCX, JPEG, ODS, ODT, PDF, PNG, XLSX, nettoyer_nom, verifier_fichier
from partenariat.models import NaturePiece, PieceJointe
from partenariat.pieces_jointes import joindre_piece
from tests import acteurs
from tests.partenariat import fichiers_types as types

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def stockage(settings, tmp_path):
    """Each test stores in its own empty folder."""
    dossier = tmp_path / "pieces_jointes"
    settings.STORAGES = {
        **settings.STORAGES,
        "pieces_jointes": {
            "BACKEND": "partenariat.commun.fichiers.StockagePrive",
            "OPTIONS": {"location": str(dossier)},
        },
    }
    return dossier


def stockes(dossier):
    return sorted(chemin for chemin in dossier.rglob("*") if chemin.is_file()) if dossier.exists() else []


def televerse(nom, contenu):
    return SimpleUploadedFile(nom, contenu, content_type="application/octet-stream")


def page_realisation(monde):
    return reverse("engagements:realisation_detail", args=[monde.realisation_lyon.pk])


def url_depot(objet):
    meta = type(objet)._meta
    return reverse("piece_jointe_add", args=[meta.app_label, meta.model_name, objet.pk])


ACCEPTES = [
    ("rapport.pdf", types.pdf, PDF),
    ("note.odt", types.odt, ODT),
    ("note.docx", types.docx, DOCX),
    ("tableau.ods", types.ods, ODS),
    ("tableau.xlsx", types.xlsx, XLSX),
    ("photo.png", types.png, PNG),
    ("photo.jpg", types.jpeg, JPEG),
    ("photo.JPEG", types.jpeg, JPEG),
]


@pytest.mark.parametrize(("nom", "fabrique", "attendu"), ACCEPTES, ids=[cas[0] for cas in ACCEPTES])
def test_chaque_type_accepte_est_reconnu_a_son_contenu(nom, fabrique, attendu):
    contenu = fabrique()
    verifie = verifier_fichier(televerse(nom, contenu))
    assert verifie.type_mime == attendu
    assert verifie.taille == len(contenu)
    assert verifie.sha256 == hashlib.sha256(contenu).hexdigest()


REFUSES = [
    ("executable ELF renommé", "compte-rendu.pdf", types.elf, "type"),
    ("executable Windows renommé", "compte-rendu.pdf", types.exe, "type"),
    ("page HTML nommée .pdf", "compte-rendu.pdf", types.html, "type"),
    ("archive zip quelconque nommée .docx", "note.docx", types.zip_quelconque, "type"),
    ("PDF nommé .docx", "note.docx", types.pdf, "extension"),
    ("classeur nommé .pdf", "note.pdf", types.xlsx, "extension"),
    ("PDF sans extension", "note", types.pdf, "extension"),
    ("fichier vide", "vide.pdf", lambda: b"", "vide"),
]


@pytest.mark.parametrize(("cas", "nom", "fabrique", "code"), REFUSES, ids=[cas[0] for cas in REFUSES])
def test_les_fichiers_douteux_sont_refuses_avec_un_message_en_francais(cas, nom, fabrique, code):
    with pytest.raises(ValidationError) as refus:
        verifier_fichier(televerse(nom, fabrique()))
    assert refus.value.code == code
    assert refus.value.messages[0][0].isupper()


def test_un_fichier_trop_gros_est_refuse_avant_d_etre_lu(settings):
    settings.TAILLE_MAX_PIECE_JOINTE = 1000
    with pytest.raises(ValidationError, match="taille maximale autorisée est 1000"):
        verifier_fichier(televerse("gros.pdf", types.pdf() + b"0" * 1000))


def test_un_document_bureautique_enorme_une_fois_decompresse_est_refuse(monkeypatch):
    from partenariat.commun import fichiers

    monkeypatch.setattr(fichiers, "TAILLE_DECOMPRESSEE_MAX", 100)
    with pytest.raises(ValidationError, match="anormalement volumineux"):
        verifier_fichier(televerse("tableau.xlsx", types.xlsx()))


@pytest.mark.parametrize(
    ("nom", "attendu"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Documents\\Compte rendu été 2013.PDF", "Compte_rendu_été_2013.pdf"),
        ("feuille\x00de\x1bprésence.pdf", "feuilledeprésence.pdf"),
        ("<script>.pdf", "script.pdf"),
        ("..", "fichier"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_les_noms_sont_nettoyes(nom, attendu):
    assert nettoyer_nom(nom) == attendu


def test_le_depot_stocke_sous_un_nom_aleatoire_et_garde_le_nom_d_origine(monde, stockage, client):
    secretariat = monde.utilisateurs["secretariat"]
    acteurs.connecte(client, secretariat)
    reponse = client.post(
        url_depot(monde.realisation_lyon),
        {"nature": NaturePiece.JUSTIFICATIF, "fichier": televerse("Procès-verbal de livraison.pdf", types.pdf())},
    )
    assert reponse.status_code == 302
    piece = PieceJointe.objects.get()
    assert piece.objet == monde.realisation_lyon
    assert piece.nom_original == "Procès-verbal_de_livraison.pdf"
    assert (piece.type_mime, piece.taille, piece.deposee_par) == (PDF, len(types.pdf()), secretariat)
    [chemin] = stockes(stockage)
    assert chemin.read_bytes() == types.pdf()
    assert chemin.name.endswith(".pdf") and "livraison" not in str(chemin)
    assert piece.fichier.name == str(chemin.relative_to(stockage))
    with pytest.raises(ValueError):
        piece.fichier.url  # noqa: B018  (no public address, ever)


@pytest.mark.parametrize(
    ("nom", "fabrique", "message"),
    [
        ("cr.pdf", types.elf, "n&#x27;est pas d&#x27;un type accepté, quel que soit son nom"),
        ("cr.pdf", types.exe, "n&#x27;est pas d&#x27;un type accepté, quel que soit son nom"),
        ("cr.pdf", types.html, "n&#x27;est pas d&#x27;un type accepté, quel que soit son nom"),
        ("note.docx", types.pdf, "est un PDF, mais son nom se termine par « .docx »"),
    ],
)
def test_un_depot_refuse_ne_laisse_rien(monde, stockage, client, nom, fabrique, message):
    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    page = page_realisation(monde)
    reponse = client.post(
        url_depot(monde.realisation_lyon),
        {"nature": NaturePiece.JUSTIFICATIF, "fichier": televerse(nom, fabrique()), "retour": page},
        follow=True,
    )
    assert reponse.redirect_chain[-1][0] == page
    assert message in reponse.content.decode()
    assert not PieceJointe.objects.exists()
    assert not PieceJointe.history.exists()
    assert stockes(stockage) == []


def test_un_depot_trop_gros_est_arrete_pendant_la_reception(monde, stockage, client, settings):
    settings.TAILLE_MAX_PIECE_JOINTE = 2000
    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    reponse = client.post(
        url_depot(monde.realisation_lyon),
        {"nature": NaturePiece.JUSTIFICATIF, "fichier": televerse("gros.pdf", types.pdf() + b" " * 5000)},
        follow=True,
    )
    assert "Le fichier dépasse la taille maximale autorisée (2,0\xa0Kio)." in reponse.content.decode()
    assert not PieceJointe.objects.exists()
    assert stockes(stockage) == []


def test_le_limiteur_saute_le_fichier_des_qu_il_depasse():
    from django.core.files.uploadhandler import SkipFile

    from partenariat.commun.fichiers import LimiteTailleHandler

    limiteur = LimiteTailleHandler()
    limiteur.handle_raw_input(None, {}, 500, b"x")
    limiteur.new_file("fichier", "a.pdf", "application/pdf", 0)
    assert limiteur.receive_data_chunk(b"x" * 100, 0) == b"x" * 100
    with pytest.raises(SkipFile):
        limiteur.receive_data_chunk(b"x" * (11 * 1024 * 1024), 100)
    assert limiteur.trop_grand


def test_une_nature_etrangere_a_l_enregistrement_est_refusee(monde, stockage, client):
    acteurs.connecte(client, monde.utilisateurs["uesl"])
    client.post(
        url_depot(monde.reunion_lyon), {"nature": NaturePiece.JUSTIFICATIF, "fichier": televerse("a.pdf", types.pdf())}
    )
    assert not PieceJointe.objects.exists()
    assert stockes(stockage) == []


@pytest.mark.parametrize(
    ("app_label", "modele"), [("conferences", "conferenceterritoriale"), ("auth", "user"), ("x", "y")]
)
def test_on_ne_joint_rien_a_un_enregistrement_qui_n_en_prend_pas(monde, client, app_label, modele):
    acteurs.connecte(client, monde.utilisateurs["admin"])
    reponse = client.post(
        reverse("piece_jointe_add", args=[app_label, modele, monde.lyon.pk]),
        {"nature": NaturePiece.JUSTIFICATIF, "fichier": televerse("a.pdf", types.pdf())},
    )
    assert reponse.status_code == 404
    assert not PieceJointe.objects.exists()


def piece_de(objet, user, nom="Compte rendu de réunion.pdf", contenu=None, nature=None):
    nature = nature or objet.NATURES_PIECES[0]
    return joindre_piece(objet, nature, televerse(nom, contenu or types.pdf()), user)


def test_le_telechargement_est_une_piece_jointe_non_interpretable(monde, client):
    piece = piece_de(monde.reunion_lyon, monde.utilisateurs["secretariat"], nom="Compte rendu été.pdf")
    acteurs.connecte(client, monde.utilisateurs["elu"])
    reponse = client.get(reverse("piece_jointe_detail", args=[piece.pk]))
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == types.pdf()
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == ("attachment; filename*=utf-8''Compte_rendu_%C3%A9t%C3%A9.pdf")
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert "private" in reponse["Cache-Control"]


def test_un_fichier_absent_du_stockage_donne_404(monde, client, stockage):
    piece = piece_de(monde.reunion_lyon, monde.utilisateurs["uesl"])
    for chemin in stockes(stockage):
        chemin.unlink()
    acteurs.connecte(client, monde.utilisateurs["uesl"])
    assert client.get(reverse("piece_jointe_detail", args=[piece.pk])).status_code == 404


def test_remplacer_garde_l_ancienne_version_dans_l_historique(monde, client, stockage):
    piece = piece_de(monde.realisation_lyon, monde.utilisateurs["secretariat"], nom="v1.pdf")
    ancien = piece.fichier.name
    acteurs.connecte(client, monde.utilisateurs["uesl"])
    reponse = client.post(
        reverse("piece_jointe_edit", args=[piece.pk]), {"fichier": televerse("v2.png", types.png())}, follow=True
    )
    assert "l&#x27;ancienne version reste dans l&#x27;historique" in reponse.content.decode()
    piece.refresh_from_db()
    assert (piece.nom_original, piece.type_mime, piece.deposee_par) == ("v2.png", PNG, monde.utilisateurs["uesl"])
    assert piece.fichier.name != ancien and piece.fichier.name.endswith(".png")
    versions = list(piece.history.order_by("history_date").values_list("fichier", "nom_original", "history_user"))
    assert versions == [
        (ancien, "v1.pdf", monde.utilisateurs["secretariat"].pk),
        (piece.fichier.name, "v2.png", monde.utilisateurs["uesl"].pk),
    ]
    assert sorted(str(c.relative_to(stockage)) for c in stockes(stockage)) == sorted([ancien, piece.fichier.name])


def test_un_remplacement_refuse_garde_la_version_en_place(monde, client, stockage):
    piece = piece_de(monde.realisation_lyon, monde.utilisateurs["secretariat"])
    avant = (piece.fichier.name, piece.sha256)
    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    client.post(reverse("piece_jointe_edit", args=[piece.pk]), {"fichier": televerse("v2.pdf", types.html())})
    piece.refresh_from_db()
    assert (piece.fichier.name, piece.sha256) == avant
    assert piece.history.count() == 1
    assert len(stockes(stockage)) == 1


def test_supprimer_une_piece_efface_ses_fichiers_et_garde_la_trace(
    monde, client, stockage, django_capture_on_commit_callbacks
):
    piece = piece_de(monde.reunion_lyon, monde.utilisateurs["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        from partenariat.pieces_jointes import remplacer_piece

        remplacer_piece(piece, televerse("v2.pdf", types.pdf() + b"%v2"), monde.utilisateurs["secretariat"])
    assert len(stockes(stockage)) == 2
    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("piece_jointe_delete", args=[piece.pk]))
    assert reponse.status_code == 302
    assert not PieceJointe.objects.exists()
    assert stockes(stockage) == []
    suppression = PieceJointe.history.filter(id=piece.pk).latest("history_date")
    assert (suppression.history_type, suppression.history_user) == ("-", monde.utilisateurs["secretariat"])


@pytest.mark.parametrize("cible", ["realisation_lyon", "reunion_lyon", "association_lyon", "observation_lyon"])
def test_supprimer_l_enregistrement_supprime_ses_pieces_et_leurs_fichiers(
    monde, stockage, django_capture_on_commit_callbacks, cible
):
    objet = getattr(monde, cible)
    autre = piece_de(monde.reunion_marseille, monde.utilisateurs["uesl"])
    piece_de(objet, monde.utilisateurs["uesl"])
    piece_de(objet, monde.utilisateurs["uesl"], nature=objet.NATURES_PIECES[-1])
    assert len(stockes(stockage)) == 3
    with django_capture_on_commit_callbacks(execute=True):
        objet.delete()
    assert list(PieceJointe.objects.all()) == [autre]
    assert [str(c.relative_to(stockage)) for c in stockes(stockage)] == [autre.fichier.name]
    assert PieceJointe.history.filter(history_type="-").count() == 2


def test_supprimer_une_conference_ou_un_objectif_emporte_les_pieces_de_leurs_enregistrements(
    monde, stockage, django_capture_on_commit_callbacks
):
    uesl = monde.utilisateurs["uesl"]
    piece_de(monde.reunion_lyon, uesl)
    piece_de(monde.observation_lyon, uesl)
    piece_de(monde.realisation_lyon, uesl)
    gardee = piece_de(monde.reunion_marseille, uesl)
    with django_capture_on_commit_callbacks(execute=True):
        monde.objectif_lyon.delete()
        monde.lyon.delete()
    assert list(PieceJointe.objects.all()) == [gardee]
    assert [str(c.relative_to(stockage)) for c in stockes(stockage)] == [gardee.fichier.name]


def test_la_page_de_la_realisation_liste_les_pieces_et_propose_le_depot(monde, client, django_assert_max_num_queries):
    piece_de(monde.realisation_lyon, monde.utilisateurs["secretariat"], nom="Justificatif.pdf")
    piece_de(monde.realisation_lyon, monde.utilisateurs["uesl"], nom="Photo.png", contenu=types.png())
    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    url = page_realisation(monde)
    client.get(url)
    with django_assert_max_num_queries(20):
        reponse = client.get(url)
    contenu = reponse.content.decode()
    assert "Justificatif.pdf" in contenu and "Photo.png" in contenu
    assert 'enctype="multipart/form-data"' in contenu
    assert url_depot(monde.realisation_lyon) in contenu
    assert "Supprimer « Photo.png »" in contenu

    acteurs.connecte(client, monde.utilisateurs["elu"])
    contenu = client.get(url).content.decode()
    assert "Justificatif.pdf" in contenu
    assert url_depot(monde.realisation_lyon) not in contenu and "Supprimer" not in contenu


def test_le_nombre_de_requetes_ne_croit_pas_avec_les_pieces(monde, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    url = reverse("conferences:reunion_detail", args=[monde.reunion_lyon.pk])
    piece_de(monde.reunion_lyon, monde.utilisateurs["uesl"])
    client.get(url)
    with CaptureQueriesContext(connection) as une:
        client.get(url)
    for _ in range(4):
        piece_de(monde.reunion_lyon, monde.utilisateurs["uesl"])
    with CaptureQueriesContext(connection) as cinq:
        contenu = client.get(url).content.decode()
    assert contenu.count("/remplacer/") == 5
    assert len(cinq) == len(une)


@pytest.mark.parametrize(
    ("url_page", "cible"),
    [
        (lambda m: reverse("conferences:reunion_detail", args=[m.reunion_lyon.pk]), "reunion_lyon"),
        (lambda m: reverse("conferences:association_edit", args=[m.association_lyon.pk]), "association_lyon"),
        (lambda m: reverse("conferences:observation_edit", args=[m.observation_lyon.pk]), "observation_lyon"),
    ],
)
def test_les_pages_des_conferences_proposent_leurs_natures(monde, client, url_page, cible):
    objet = getattr(monde, cible)
    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    contenu = client.get(url_page(monde)).content.decode()
    assert url_depot(objet) in contenu
    for nature in objet.NATURES_PIECES:
        assert f'value="{nature}"' in contenu
    reponse = client.post(
        url_depot(objet),
        {"nature": objet.NATURES_PIECES[0], "fichier": televerse("doc.odt", types.odt()), "retour": url_page(monde)},
        follow=True,
    )
    assert reponse.redirect_chain[-1][0] == url_page(monde)
    assert "doc.odt" in reponse.content.decode()


def test_le_retour_ne_mene_jamais_hors_du_site(monde, client):
    acteurs.connecte(client, monde.utilisateurs["uesl"])
    reponse = client.post(
        url_depot(monde.realisation_lyon),
        {"nature": "justificatif", "fichier": televerse("a.pdf", types.pdf()), "retour": "https://ailleurs.example/"},
    )
    assert reponse["Location"] == "/"


def saisir_realisation(client, monde, **fichier):
    return client.post(
        reverse("engagements:realisation_add", args=[monde.objectif_lyon.pk]),
        {"date": "2013-10-01", "quantite": "45", "commentaire": "Résidence jeunes actifs", **fichier},
    )


def test_le_formulaire_de_realisation_propose_un_justificatif(monde, client):
    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    contenu = client.get(reverse("engagements:realisation_add", args=[monde.objectif_lyon.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in contenu and 'name="justificatif"' in contenu
    modification = client.get(reverse("engagements:realisation_edit", args=[monde.realisation_lyon.pk]))
    assert 'name="justificatif"' not in modification.content.decode()


def test_une_realisation_saisie_avec_son_justificatif(monde, client, stockage):
    from engagements.models import Realisation

    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    reponse = saisir_realisation(client, monde, justificatif=televerse("Compte rendu.pdf", types.pdf()))
    assert reponse.status_code == 302
    realisation = Realisation.objects.get(quantite=45)
    piece = PieceJointe.objects.get()
    assert (piece.objet, piece.nature, piece.nom_original) == (realisation, "justificatif", "Compte_rendu.pdf")
    assert piece.deposee_par == monde.utilisateurs["secretariat"]
    assert len(stockes(stockage)) == 1
    page = client.get(reverse("engagements:realisation_detail", args=[realisation.pk])).content.decode()
    assert reverse("piece_jointe_detail", args=[piece.pk]) in page


def test_une_realisation_sans_justificatif_reste_possible(monde, client, stockage):
    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    assert saisir_realisation(client, monde).status_code == 302
    assert not PieceJointe.objects.exists()


@pytest.mark.parametrize(
    ("taille_max", "nom", "contenu", "message"),
    [
        (None, "cr.pdf", types.html(), "n&#x27;est pas d&#x27;un type accepté"),
        (None, "cr.pdf", types.elf(), "n&#x27;est pas d&#x27;un type accepté"),
        (2000, "cr.pdf", types.pdf() + b" " * 5000, "Le fichier dépasse la taille maximale autorisée"),
    ],
)
def test_un_justificatif_refuse_n_enregistre_pas_la_realisation(
    monde, client, stockage, settings, taille_max, nom, contenu, message
):
    from engagements.models import Realisation

    if taille_max:
        settings.TAILLE_MAX_PIECE_JOINTE = taille_max
    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    reponse = saisir_realisation(client, monde, justificatif=televerse(nom, contenu))
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert "Résidence jeunes actifs</textarea>" in reponse.content.decode()
    assert not Realisation.objects.filter(quantite=45).exists()
    assert not PieceJointe.objects.exists()
    assert stockes(stockage) == []


@pytest.mark.parametrize(
    "url",
    [
        lambda m: reverse("engagements:realisation_add", args=[m.objectif_lyon.pk]),
        lambda m: reverse("engagements:realisation_edit", args=[m.realisation_lyon.pk]),
        lambda m: url_depot(m.realisation_lyon),
    ],
    ids=["saisie", "modification", "depot"],
)
def test_les_depots_restent_proteges_contre_la_falsification_de_requete(monde, stockage, url):
    from django.test import Client

    from engagements.models import Realisation

    client = acteurs.connecte(Client(enforce_csrf_checks=True), monde.utilisateurs["secretariat"])
    reponse = client.post(
        url(monde),
        {
            "date": "2013-10-01",
            "quantite": "45",
            "nature": "justificatif",
            "justificatif": televerse("a.pdf", types.pdf()),
        },
    )
    assert reponse.status_code == 403
    assert not Realisation.objects.filter(quantite=45).exists()
    assert not PieceJointe.objects.exists()
    assert stockes(stockage) == []


def test_les_pages_avec_pieces_jointes_sont_du_html_valide(monde, client, tmp_path):
    from tests.test_html_valide import commande_vnu, erreurs_vnu

    commande = commande_vnu.__wrapped__()
    secretariat = monde.utilisateurs["secretariat"]
    piece_de(monde.realisation_lyon, secretariat, nom="Procès-verbal <livraison>.pdf")
    piece_de(monde.reunion_lyon, secretariat)
    piece_de(monde.association_lyon, secretariat)
    piece_de(monde.observation_lyon, secretariat)
    urls = [
        page_realisation(monde),
        reverse("engagements:realisation_add", args=[monde.objectif_lyon.pk]),
        reverse("conferences:reunion_detail", args=[monde.reunion_lyon.pk]),
        reverse("conferences:association_edit", args=[monde.association_lyon.pk]),
        reverse("conferences:observation_edit", args=[monde.observation_lyon.pk]),
    ]
    pages = {}
    for role in ("secretariat", "elu"):
        acteurs.connecte(client, monde.utilisateurs[role])
        for url in urls:
            reponse = client.get(url)
            if reponse.status_code == 200:
                pages[f"{role} : {url}"] = reponse.content.decode()
    assert len(pages) == 7
    erreurs = erreurs_vnu(commande, pages, tmp_path)
    assert not erreurs, "\n".join(erreurs)


def test_un_compartiment_s3_nomme_remplace_le_dossier_prive(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "SECRET_KEY": "x",
        "PIECES_JOINTES_S3_BUCKET": "justificatifs",
        "PIECES_JOINTES_S3_ENDPOINT": "https://s3.fr-par.scw.cloud",
        "PIECES_JOINTES_S3_REGION": "fr-par",
    }
    # The settings alone: django-storages is an optional extra, not installed here.
    code = "import json, partenariat.settings as s; print(json.dumps(s.STORAGES['pieces_jointes']))"
    sortie = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    reglage = json.loads(sortie.strip().splitlines()[-1])
    assert reglage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert reglage["OPTIONS"]["bucket_name"] == "justificatifs"
    assert reglage["OPTIONS"]["endpoint_url"] == "https://s3.fr-par.scw.cloud"
    assert reglage["OPTIONS"]["default_acl"] is None and reglage["OPTIONS"]["file_overwrite"] is False


def test_le_dossier_prive_par_defaut_n_est_ni_statique_ni_servi():
    from partenariat import settings
    from partenariat.commun.fichiers import StockagePrive

    reglage = settings.STORAGES["pieces_jointes"]
    assert reglage["BACKEND"] == "partenariat.commun.fichiers.StockagePrive"
    dossier = reglage["OPTIONS"]["location"]
    assert str(settings.BASE_DIR / "var") in dossier
    assert str(settings.STATIC_ROOT) not in dossier and all(str(d) not in dossier for d in settings.STATICFILES_DIRS)
    with pytest.raises(ValueError):
        StockagePrive(location=dossier).url("pieces/x.pdf")

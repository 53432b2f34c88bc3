"""Who may download, deposit, replace and delete evidence files: every URL × every role, with status, and on
refusal an unchanged database and storage. Another conference's secretariat gets a 404 (it does not learn that a
file exists); an elected official, who sees the files, gets a 403 when writing."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partenariat.models import PieceJointe
from partenariat.pieces_jointes import joindre_piece
from tests import acteurs
from tests.partenariat import fichiers_types as types

pytestmark = pytest.mark.django_db

CIBLES = ("realisation_lyon", "reunion_lyon", "association_lyon", "observation_lyon")
LECTURE = {"anonyme": 302, "elu": 200, "secretariat_autre": 404, "secretariat": 200, "uesl": 200, "admin": 200}
ECRITURE = {"anonyme": 302, "elu": 403, "secretariat_autre": 404, "secretariat": 302, "uesl": 302, "admin": 302}


@pytest.fixture(autouse=True)
def stockage(settings, tmp_path):
    dossier = tmp_path / "pieces_jointes"
    settings.STORAGES = {
        **settings.STORAGES,
        "pieces_jointes": {
            "BACKEND": "partenariat.commun.fichiers.StockagePrive",
            "OPTIONS": {"location": str(dossier)},
        },
    }
    return dossier


def contenu_du_stockage(dossier):
    return sorted((str(c), c.read_bytes()) for c in dossier.rglob("*") if c.is_file()) if dossier.exists() else []


def etat(dossier):
    return (
        acteurs.etat_de_la_base(),
        sorted(PieceJointe.objects.values_list("pk", "nature", "fichier", "nom_original", "sha256", "object_id")),
        PieceJointe.history.count(),
        contenu_du_stockage(dossier),
    )


def fichier(nom="piece.pdf"):
    return SimpleUploadedFile(nom, types.pdf() + b"%" + nom.encode(), content_type="application/pdf")


def piece_existante(monde, cible):
    objet = getattr(monde, cible)
    return joindre_piece(objet, objet.NATURES_PIECES[0], fichier("existante.pdf"), monde.utilisateurs["uesl"])


@dataclass
class Action:
    nom: str
    methode: str
    attendus: dict

    def requete(self, client, monde, cible, piece):
        objet = getattr(monde, cible)
        meta = type(objet)._meta
        if self.nom == "telecharger":
            return client.get(reverse("piece_jointe_detail", args=[piece.pk]))
        if self.nom == "deposer":
            url = reverse("piece_jointe_add", args=[meta.app_label, meta.model_name, objet.pk])
            return client.post(url, {"nature": objet.NATURES_PIECES[0], "fichier": fichier("nouvelle.pdf")})
        if self.nom == "remplacer":
            return client.post(reverse("piece_jointe_edit", args=[piece.pk]), {"fichier": fichier("v2.pdf")})
        return client.post(reverse("piece_jointe_delete", args=[piece.pk]))


ACTIONS = [
    Action("telecharger", "get", LECTURE),
    Action("deposer", "post", ECRITURE),
    Action("remplacer", "post", ECRITURE),
    Action("supprimer", "post", ECRITURE),
]
CAS = [(action, cible, role) for action in ACTIONS for cible in CIBLES for role in acteurs.ROLES]


@pytest.mark.parametrize(("action", "cible", "role"), CAS, ids=[f"{a.nom}-{c}-{r}" for a, c, r in CAS])
def test_matrice_des_pieces_jointes(monde, client, stockage, action, cible, role, django_capture_on_commit_callbacks):
    piece = piece_existante(monde, cible)
    acteurs.connecte(client, monde.utilisateurs[role])
    avant = etat(stockage)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = action.requete(client, monde, cible, piece)
    attendu = action.attendus[role]
    assert reponse.status_code == attendu, (action.nom, cible, role)
    if role == "anonyme":
        assert reponse["Location"].startswith(reverse("connexion"))
    refuse = attendu in (302, 403, 404) and not (action.methode == "post" and attendu == 302 and role != "anonyme")
    if action.nom == "telecharger":
        assert etat(stockage) == avant
        if attendu == 200:
            assert b"".join(reponse.streaming_content) == piece.fichier.open("rb").read()
        else:
            assert b"%PDF" not in reponse.content
    elif refuse:
        assert etat(stockage) == avant
    else:
        assert etat(stockage) != avant
        apres = PieceJointe.objects.filter(pk=piece.pk).first()
        if action.nom == "supprimer":
            assert apres is None
        elif action.nom == "remplacer":
            assert apres.nom_original == "v2.pdf"
        else:
            assert PieceJointe.objects.count() == 2


@pytest.mark.parametrize("role", acteurs.ROLES[1:])
def test_la_liste_des_pieces_n_apparait_qu_a_qui_peut_les_voir(monde, client, role):
    piece_existante(monde, "realisation_lyon")
    acteurs.connecte(client, monde.utilisateurs[role])
    reponse = client.get(reverse("engagements:realisation_detail", args=[monde.realisation_lyon.pk]))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert ("existante.pdf" in contenu) is (LECTURE[role] == 200)
    assert ("Joindre le fichier" in contenu) is (ECRITURE[role] == 302)


def test_une_piece_d_un_enregistrement_d_une_autre_conference_reste_invisible(monde, client):
    marseille = joindre_piece(
        monde.reunion_marseille, "compte_rendu", fichier("marseille.pdf"), monde.utilisateurs["secretariat_autre"]
    )
    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    assert client.get(reverse("piece_jointe_detail", args=[marseille.pk])).status_code == 404
    assert client.get(reverse("piece_jointe_detail", args=[marseille.pk + 1000])).status_code == 404

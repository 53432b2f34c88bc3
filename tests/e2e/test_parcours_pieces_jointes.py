"""Evidence files in a real browser: Lyon's secretariat records an achievement with its PDF minutes, adds a second
file from the achievement's page, and an elected official downloads the first one."""

import re

import pytest

from tests.e2e.conftest import se_connecter
from tests.e2e.test_accessibilite import source_axe, violations  # noqa: F401  (source_axe is a fixture)
from tests.e2e.test_parcours_saisie import surveiller_csp
from tests.partenariat import fichiers_types as types


@pytest.fixture
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


def test_une_realisation_saisie_avec_son_compte_rendu_que_l_elu_telecharge(
    donnees_demo,
    stockage,
    nouvelle_page,
    source_axe,  # noqa: F811
):
    from engagements.models import Objectif, Realisation

    objectif = Objectif.objects.filter(aire__code="002", annee=2014).order_by("pk").first()
    page = nouvelle_page()
    erreurs_csp = surveiller_csp(page)
    se_connecter(page, "secretariat-lyon")
    page.goto(f"/objectifs/{objectif.pk}/")
    page.get_by_role("link", name="Ajouter une réalisation").click()
    page.get_by_label("Date").fill("2014-06-15")
    page.get_by_label("Quantité réalisée").fill("12")
    page.get_by_label("Commentaire").fill("Résidence (essai des pièces jointes)")
    page.get_by_label("Justificatif").set_input_files(
        {"name": "Compte rendu de livraison été.pdf", "mimeType": "application/pdf", "buffer": types.pdf()}
    )
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r".*/objectifs/\d+/$"))
    realisation = Realisation.objects.get(commentaire="Résidence (essai des pièces jointes)")

    page.goto(f"/objectifs/realisations/{realisation.pk}/")
    section = page.locator("section[aria-labelledby='titre-pieces-jointes']")
    assert "Compte_rendu_de_livraison_été.pdf" in section.inner_text()
    assert "secretariat-lyon" in section.inner_text()
    # A second file from the page itself; a disguised one is refused with a French message.
    page.get_by_label("Fichier").set_input_files(
        {"name": "photo.pdf", "mimeType": "application/pdf", "buffer": types.html()}
    )
    page.get_by_role("button", name="Joindre le fichier").click()
    assert "n'est pas d'un type accepté" in page.locator(".messages").inner_text()
    page.get_by_label("Fichier").set_input_files({"name": "photo.png", "mimeType": "image/png", "buffer": types.png()})
    page.get_by_role("button", name="Joindre le fichier").click()
    assert "Le fichier « photo.png » est joint." in page.locator(".messages").inner_text()
    assert violations(page, source_axe) == []
    assert erreurs_csp == []

    elu = nouvelle_page()
    se_connecter(elu, "elu")
    elu.goto(f"/objectifs/realisations/{realisation.pk}/")
    assert elu.get_by_role("button", name="Joindre le fichier").count() == 0
    with elu.expect_download() as telechargement:
        elu.get_by_role("link", name="Compte_rendu_de_livraison_été.pdf").click()
    fichier = telechargement.value
    assert fichier.suggested_filename == "Compte_rendu_de_livraison_été.pdf"
    with open(fichier.path(), "rb") as contenu:
        assert contenu.read() == types.pdf()

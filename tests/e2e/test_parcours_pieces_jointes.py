"""Evidence files from a record's own page, in a real browser: Lyon's secretariat adds a file to a pending
achievement, a disguised one is refused with a French message, and an elected official is offered no deposit form.
(Recording an achievement with its minutes, then downloading them, is the journey of test_parcours_validation.)"""

import pytest

from tests.e2e.conftest import se_connecter
from tests.e2e.test_accessibilite import source_axe, violations  # noqa: F401  (source_axe is a fixture)
from tests.e2e.test_parcours_saisie import surveiller_csp
from tests.partenariat import fichiers_types as types


@pytest.fixture
def realisation_en_attente(donnees_demo):
    """A pending achievement of Lyon, recorded by its secretariat, without a file yet (the demo has some)."""
    from engagements.avancement import EtatRealisation
    from engagements.models import Realisation

    return (
        Realisation.objects.filter(
            objectif__aire__code="002", etat=EtatRealisation.SOUMISE, modifie_par__username="secretariat-lyon"
        )
        .filter(pieces_jointes__isnull=True)
        .order_by("pk")
        .first()
    )


def test_joindre_un_fichier_depuis_la_page_d_une_realisation(
    realisation_en_attente,
    nouvelle_page,
    source_axe,  # noqa: F811
):

    url = f"/objectifs/realisations/{realisation_en_attente.pk}/"
    page = nouvelle_page()
    erreurs_csp = surveiller_csp(page)
    se_connecter(page, "secretariat-lyon")
    page.goto(url)
    section = page.locator("section[aria-labelledby='titre-pieces-jointes']")
    assert "Aucun fichier joint." in section.inner_text()
    # A disguised file is refused with a French message, and nothing is stored.
    page.get_by_label("Fichier").set_input_files(
        {"name": "photo.pdf", "mimeType": "application/pdf", "buffer": types.html()}
    )
    page.get_by_role("button", name="Joindre le fichier").click()
    assert "n'est pas d'un type accepté" in page.locator(".messages").inner_text()
    assert not realisation_en_attente.pieces_jointes.exists()
    page.get_by_label("Fichier").set_input_files({"name": "photo.png", "mimeType": "image/png", "buffer": types.png()})
    page.get_by_role("button", name="Joindre le fichier").click()
    assert "Le fichier « photo.png » est joint." in page.locator(".messages").inner_text()
    assert url in page.url  # back on the achievement's page
    assert "photo.png" in section.inner_text() and "secretariat-lyon" in section.inner_text()
    assert violations(page, source_axe) == []
    assert erreurs_csp == []

    elu = nouvelle_page()
    se_connecter(elu, "elu")
    elu.goto(url)
    assert "photo.png" in elu.locator("section[aria-labelledby='titre-pieces-jointes']").inner_text()
    assert elu.get_by_role("button", name="Joindre le fichier").count() == 0
    assert elu.get_by_role("button", name="Remplacer").count() == 0

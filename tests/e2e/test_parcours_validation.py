"""The journey of issue 13 in a real browser: Lyon's secretariat records an achievement with its PDF minutes, which
counts nowhere (except in the provisional figures, which say so) until UESL staff validate it from the queue; then
Lyon's rate moves, and an elected official downloads the very file."""

import re

from tests.e2e.conftest import pdf_de_compte_rendu, se_connecter
from tests.e2e.test_parcours_saisie import surveiller_csp

QUANTITE = 12
NOM_DU_FICHIER = "Compte rendu de livraison été 2014.pdf"
NOM_ENREGISTRE = "Compte_rendu_de_livraison_été_2014.pdf"  # as the product sanitises it


def entier(texte):
    return int(re.sub(r"\D", "", texte))


def chiffres_de_lyon(page, provisoires=False):
    """Lyon's overall rate and the quantity behind it, as its area page reads, with the provisional figures
    chosen through the page's own switch; and the notice saying which figures they are."""
    page.goto("/aires/002/")
    case = page.get_by_label("Inclure les réalisations en attente")
    assert not case.is_checked()  # validated figures by default
    if provisoires:
        case.check()
        page.get_by_role("form", name="Chiffres affichés").get_by_role("button", name="Afficher").click()
        page.wait_for_url("**/aires/002/?en_attente=1")
    section = page.locator("section[aria-labelledby='titre-objectifs']")
    ligne = re.search(
        r"Taux de réalisation global : (\S+\s?%) \(([\d\s]+) réalisé pour ([\d\s]+) de cible\)",
        section.locator("p").first.inner_text(),
    )
    assert ligne, section.locator("p").first.inner_text()
    avis = page.locator(".chiffres-provisoires" if provisoires else ".chiffres-valides").inner_text()
    return {"taux": ligne[1], "realise": entier(ligne[2]), "cible": entier(ligne[3]), "avis": avis}


def test_une_realisation_soumise_ne_compte_qu_une_fois_validee_et_l_elu_telecharge_son_compte_rendu(
    donnees_demo, nouvelle_page
):
    from engagements.models import Objectif, Realisation

    objectif = Objectif.objects.get(aire__code="002", annee=2014, dispositif="prive_intermediaire")
    pdf = pdf_de_compte_rendu("Livraison de la résidence Gerland — procès-verbal")
    assert pdf.startswith(b"%PDF-")

    secretariat = nouvelle_page()
    erreurs_csp = surveiller_csp(secretariat)
    se_connecter(secretariat, "secretariat-lyon")
    valides_avant = chiffres_de_lyon(secretariat)
    provisoires_avant = chiffres_de_lyon(secretariat, provisoires=True)

    secretariat.goto(f"/objectifs/{objectif.pk}/")
    secretariat.get_by_role("link", name="Ajouter une réalisation").click()
    secretariat.get_by_label("Date").fill("2014-06-15")
    secretariat.get_by_label("Quantité réalisée").fill(str(QUANTITE))
    secretariat.get_by_label("Commentaire").fill("Résidence Gerland, livrée en juin (essai)")
    secretariat.get_by_label("Justificatif").set_input_files(
        {"name": NOM_DU_FICHIER, "mimeType": "application/pdf", "buffer": pdf}
    )
    secretariat.get_by_role("button", name="Enregistrer").click()
    secretariat.wait_for_url(f"**/objectifs/{objectif.pk}/")
    assert "soumise à validation" in secretariat.locator(".messages").inner_text()

    # Submitted: Lyon's rate does not move; the provisional figures, which say what they are, include it.
    assert chiffres_de_lyon(secretariat) == valides_avant
    provisoires = chiffres_de_lyon(secretariat, provisoires=True)
    assert provisoires["avis"] == "Chiffres provisoires : ils comptent les réalisations en attente de validation."
    assert provisoires["realise"] == provisoires_avant["realise"] + QUANTITE
    assert provisoires["taux"] != provisoires_avant["taux"]

    # Its page: submitted, with the minutes attached.
    secretariat.goto(f"/objectifs/{objectif.pk}/")
    secretariat.get_by_role("link", name="15/06/2014", exact=True).click()
    assert "Soumise" in secretariat.locator(".fiche").inner_text()
    pieces = secretariat.locator("section[aria-labelledby='titre-pieces-jointes']").inner_text()
    assert NOM_ENREGISTRE in pieces and "secretariat-lyon" in pieces
    url_realisation = secretariat.url
    assert not erreurs_csp, erreurs_csp

    # UESL staff validate it from the queue, through its batch form.
    uesl = nouvelle_page()
    erreurs_csp = surveiller_csp(uesl)
    se_connecter(uesl, "uesl")
    uesl.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="À valider").click()
    uesl.wait_for_url("**/validation/")
    uesl.get_by_label("Aire urbaine").fill("002")
    uesl.get_by_role("button", name="Appliquer les filtres").click()
    ligne = uesl.get_by_role("row").filter(has=uesl.get_by_role("link", name="15/06/2014", exact=True))
    assert "secretariat-lyon" in ligne.inner_text()
    ligne.get_by_label(re.compile(r"^Sélectionner la réalisation du 15/06/2014")).check()
    uesl.get_by_role("button", name="Valider la sélection").click()
    assert "1 réalisation validée" in uesl.locator(".messages").inner_text()
    assert uesl.get_by_role("link", name="15/06/2014", exact=True).count() == 0  # no longer in the queue

    # Validated: Lyon's rate moves by exactly this achievement.
    apres = chiffres_de_lyon(uesl)
    assert apres["realise"] == valides_avant["realise"] + QUANTITE
    assert apres["cible"] == valides_avant["cible"]
    assert apres["taux"] != valides_avant["taux"], (valides_avant, apres)
    uesl.goto(url_realisation)
    assert "validée par uesl le " in uesl.locator(".fiche").inner_text()
    assert not erreurs_csp, erreurs_csp

    # An elected official downloads the minutes: the same bytes.
    elu = nouvelle_page()
    erreurs_csp = surveiller_csp(elu)
    se_connecter(elu, "elu")
    elu.goto(url_realisation)
    assert elu.get_by_role("button", name="Joindre le fichier").count() == 0  # they only read
    with elu.expect_download() as telechargement:
        elu.get_by_role("link", name=NOM_ENREGISTRE).click()
    fichier = telechargement.value
    assert fichier.suggested_filename == NOM_ENREGISTRE
    with open(fichier.path(), "rb") as contenu:
        assert contenu.read() == pdf
    assert not erreurs_csp, erreurs_csp
    realisation = Realisation.objects.get(commentaire="Résidence Gerland, livrée en juin (essai)")
    assert (realisation.saisi_par.username, realisation.examinee_par.username) == ("secretariat-lyon", "uesl")

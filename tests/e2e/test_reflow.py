"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide (1280 px at 400 % zoom) no page scrolls sideways, text included;
every data table sits in a labelled scroll region one can reach with the keyboard."""

import json

from tests.e2e.conftest import se_connecter, types_de_pages

LARGEUR = 320

# Measured in the page: the document's widths, the outermost elements sticking out on the right (those inside a
# scroll region are contained by it, unless positioned outside it), and the tables that are not in a labelled,
# focusable scroll region.
MESURE = """() => {
  document.querySelectorAll('details').forEach((details) => { details.open = true; });  // their content too
  const doc = document.documentElement;
  const largeur = doc.clientWidth;
  const deborde = (el) => el.getBoundingClientRect().right > largeur + 0.5;
  const nom = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  // A scroll region holds what overflows it, except positioned boxes whose containing block lies outside it.
  const echappe = (el) => deborde(el) && (!el.parentElement.closest('[role="region"]')
    || ['absolute', 'fixed'].includes(getComputedStyle(el).position));
  const debordants = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!echappe(el) || echappe(el.parentElement)) continue;
    debordants.push(nom(el) + ' → ' + Math.round(el.getBoundingClientRect().right) + ' px');
  }
  // Text wider than its box (a long word that does not wrap) moves no element: name the box it leaves.
  const textes = [...document.body.querySelectorAll('*')].filter((el) => !el.closest('[role="region"]')
    && getComputedStyle(el).overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0
    && el.getBoundingClientRect().left + el.scrollWidth > largeur + 0.5);
  debordants.push(...textes.slice(-3).map((el) => 'texte de ' + nom(el) + ' : ' + el.scrollWidth + ' px'));
  const tables = [...document.querySelectorAll('table')].filter((table) => {
    if (table.closest('.empile')) return false;
    const region = table.closest('[role="region"]');
    return !(region && (region.getAttribute('aria-label') || '').trim() && region.getAttribute('tabindex') === '0');
  }).map((table) => table.caption ? table.caption.textContent.trim() : table.outerHTML.slice(0, 80));
  return {scrollWidth: doc.scrollWidth, clientWidth: largeur, debordants: debordants.slice(0, 9), tables};
}"""


def mesurer(page, url, statut=200):
    reponse = page.goto(url)
    mesure = page.evaluate(MESURE)
    defauts = []
    if reponse.status != statut:
        defauts.append(f"HTTP {reponse.status} au lieu de {statut}")
    if mesure["scrollWidth"] > mesure["clientWidth"]:
        defauts.append(f"scrollWidth {mesure['scrollWidth']} > {mesure['clientWidth']} : {mesure['debordants']}")
    if mesure["tables"]:
        defauts.append(f"tableaux hors d'une région défilante nommée et focalisable : {mesure['tables']}")
    return mesure["scrollWidth"], defauts


def fichier_import(objectif):
    """A valid file whose comment is one long unbroken address: the preview must wrap it."""
    commentaire = "https://www.example.org/" + "programmation_locale_de_l_habitat_" * 4 + "bilan.pdf"
    lignes = [
        "Code aire,Dispositif,Année,Date réalisation,Quantité réalisée,Commentaire",
        f"{objectif.aire.code},{objectif.dispositif},{objectif.annee},15/06/{objectif.annee},3,{commentaire}",
    ]
    return {"name": "realisations.csv", "mimeType": "text/csv", "buffer": "\n".join(lignes).encode()}


def test_aucune_page_ne_defile_de_cote_a_320_px(donnees_demo, nouvelle_page):
    largeurs, en_defaut = {}, {}

    def verifier(page, url, statut=200, nom=None):
        largeur, defauts = mesurer(page, url, statut)
        largeurs[nom or url] = largeur
        if defauts:
            en_defaut[nom or url] = defauts

    # Long unbroken words outside tables (an address in a summary, a code in a title) must wrap, not widen the page.
    from conferences.models import Observation

    Observation.objects.update(
        titre="Étude" + "_intercommunale" * 4, resume="Source : https://www.example.org/" + "etude_" * 12 + "2013.pdf"
    )

    anonyme = nouvelle_page(viewport={"width": LARGEUR, "height": 640})
    verifier(anonyme, "/comptes/connexion/")
    verifier(anonyme, "/comptes/mot-de-passe/oublie/")
    verifier(anonyme, "/accessibilite/")

    pages, objectif = types_de_pages()
    for compte, urls in pages.items():
        page = nouvelle_page(viewport={"width": LARGEUR, "height": 640})
        se_connecter(page, compte)
        for url in urls:
            verifier(page, url)
    page = nouvelle_page(viewport={"width": LARGEUR, "height": 640})
    se_connecter(page, "uesl")
    verifier(page, "/page-qui-n-existe-pas/", statut=404)

    # The preview of an import (a table reached only by sending a file).
    page.goto("/objectifs/importer/")
    page.locator("input[type=file]").set_input_files(fichier_import(objectif))
    page.locator("form.formulaire-saisie button[type=submit], form button[type=submit]").last.click()
    page.wait_for_url("**/objectifs/importer/*/")
    verifier(page, page.url, nom="aperçu d'import")

    print("\nscrollWidth à 320 px :", json.dumps(largeurs, ensure_ascii=False, indent=1))
    assert not en_defaut, json.dumps(en_defaut, ensure_ascii=False, indent=1)

"""Charts and map read on a phone: no SVG text under 12 CSS px at 375 px, no sideways page scroll at 320 px.

The rendered size of a text is its computed font size times the scale of its screen transform (getScreenCTM),
which is what a viewBox scaled down to a narrow column shrinks.
"""

import pytest
from django.core.management import call_command

from tests.conftest import DONNEES
from tests.e2e.conftest import se_connecter

MESURE = """() => {
  const tailles = [];
  for (const texte of document.querySelectorAll('svg text')) {
    const matrice = texte.getScreenCTM();
    if (!matrice || texte.getClientRects().length === 0) continue;
    const echelle = Math.hypot(matrice.a, matrice.b);
    tailles.push([parseFloat(getComputedStyle(texte).fontSize) * echelle, texte.textContent]);
  }
  return tailles;
}"""
DEBORDEMENTS = """() => {
  const largeur = document.documentElement.clientWidth;
  return [...document.querySelectorAll('.defilement-graphique, svg.carte-svg, svg.jauge-svg, figure')]
    .filter(e => e.getBoundingClientRect().right > largeur + 0.5)
    .map(e => e.tagName + '.' + e.getAttribute('class'));
}"""


# With the browser's real font metrics: every chart text's box against every line, path step and bar of its chart.
CROISEMENTS = """() => {
  const croisements = [];
  const coupe = (b, x1, y1, x2, y2) => {
    let t0 = 0, t1 = 1;
    const dx = x2 - x1, dy = y2 - y1;
    for (const [p, q] of [[-dx, x1 - b.x], [dx, b.x + b.width - x1], [-dy, y1 - b.y], [dy, b.y + b.height - y1]]) {
      if (p === 0) { if (q < 0) return false; continue; }
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t); else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
    return true;
  };
  for (const svg of document.querySelectorAll('svg.graphique-svg, svg.frise')) {
    const segments = [], boites = [];
    for (const l of svg.querySelectorAll('line')) {
      segments.push([l.x1.baseVal.value, l.y1.baseVal.value, l.x2.baseVal.value, l.y2.baseVal.value]);
    }
    for (const chemin of svg.querySelectorAll('path')) {
      let x = 0, y = 0;
      for (const [, c, v] of chemin.getAttribute('d').matchAll(/([MHVL])([^MHVL]*)/g)) {
        const n = v.trim().split(/[ ,]+/).map(Number);
        const [ax, ay] = [x, y];
        if (c === 'M') { [x, y] = n; continue; }
        if (c === 'H') x = n[0]; else if (c === 'V') y = n[0]; else [x, y] = n;
        segments.push([ax, ay, x, y]);
      }
    }
    for (const forme of svg.querySelectorAll('rect, circle')) boites.push(forme.getBBox());
    const textes = [...svg.querySelectorAll('text')];
    textes.forEach((texte, i) => {
      const b = texte.getBBox();
      for (const s of segments) if (coupe(b, ...s)) croisements.push([texte.textContent, 'ligne', s.map(Math.round)]);
      for (const r of boites) {
        if (b.x < r.x + r.width && r.x < b.x + b.width && b.y < r.y + r.height && r.y < b.y + b.height)
          croisements.push([texte.textContent, 'forme']);
      }
      for (const autre of textes.slice(i + 1)) {
        const a = autre.getBBox();
        if (b.x < a.x + a.width && a.x < b.x + b.width && b.y < a.y + a.height && a.y < b.y + b.height)
          croisements.push([texte.textContent, autre.textContent]);
      }
    });
  }
  return croisements;
}"""


@pytest.fixture
def pages(donnees_demo):
    from conferences.models import ConferenceTerritoriale

    call_command("importer_contours", str(DONNEES / "geo"), verbosity=0)
    conference = ConferenceTerritoriale.objects.order_by("pk").first()
    return ["/aires/002/", "/deploiement/?date=2013-06-30", "/aires/carte/", conference.get_absolute_url(), "/"]


def test_texte_des_graphiques_d_au_moins_12_px_a_375(nouvelle_page, pages):
    page = nouvelle_page(viewport={"width": 375, "height": 800})
    se_connecter(page, "uesl")
    mesurees = 0
    for url in pages:
        page.goto(url)
        tailles = page.evaluate(MESURE)
        petites = [(round(taille, 1), texte) for taille, texte in tailles if taille < 12]
        assert petites == [], url
        assert page.evaluate(CROISEMENTS) == [], url
        mesurees += len(tailles)
    assert mesurees > 40  # the area page, the timeline, the map and the conference page all drew text


def test_graphiques_defilent_dans_leur_zone_a_320(nouvelle_page, pages):
    page = nouvelle_page(viewport={"width": 320, "height": 800})
    se_connecter(page, "uesl")
    for url in pages:
        page.goto(url)
        assert page.evaluate(DEBORDEMENTS) == [], url
        for zone in page.locator(".defilement-graphique").all():
            assert zone.get_attribute("role") == "region"
            assert zone.get_attribute("tabindex") == "0"
            assert zone.get_attribute("aria-label")
    # A keyboard user reaches the chart's region and scrolls it with the arrow keys.
    page.goto("/aires/002/")
    zone = page.locator(".defilement-graphique").first
    zone.focus()
    assert zone.evaluate("e => e.scrollWidth > e.clientWidth && e.scrollLeft === 0")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # Keyboard scrolling is animated: wait for it to land rather than reading it on the next frame.
    page.wait_for_function("e => e.scrollLeft > 0", arg=zone.element_handle(), timeout=5000)


def test_page_sans_defilement_horizontal_a_320(nouvelle_page, pages):
    page = nouvelle_page(viewport={"width": 320, "height": 800})
    se_connecter(page, "uesl")
    for url in pages:
        page.goto(url)
        assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"), url

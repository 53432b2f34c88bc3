"""Focus (WCAG 2.4.7, 1.4.11): every element reached with the Tab key shows an indicator contrasting at least 3:1
with what surrounds it: the background it is drawn on and, for an element with a background of its own, that one."""

import json
import re

from tests.e2e.conftest import se_connecter

MINIMUM = 3.0

# The focused element as the keyboard left it: its indicator's colours (outline, box-shadow), the first opaque
# background among its ancestors (the surface the ring is drawn on) and its own background when it has one.
ETAT_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const opaque = (couleur) => couleur && !/^rgba\\(.*,\\s*0\\)$/.test(couleur) && couleur !== 'transparent';
  const indicateurs = [];
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) indicateurs.push(style.outlineColor);
  if (style.boxShadow !== 'none') indicateurs.push(...(style.boxShadow.match(/rgba?\\([^)]*\\)/g) || []));
  let fond = null;
  for (let parent = el.parentElement; parent; parent = parent.parentElement) {
    const couleur = getComputedStyle(parent).backgroundColor;
    if (opaque(couleur)) { fond = couleur; break; }
  }
  const nom = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.type ? '[' + el.type + ']' : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  return {
    nom: nom + ' « ' + (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 40) + ' »',
    focusVisible: el.matches(':focus-visible'),
    indicateurs: indicateurs.filter(opaque),
    fond: fond || 'rgb(255, 255, 255)',
    propre: opaque(style.backgroundColor) ? style.backgroundColor : null,
  };
}"""


def rgb(couleur):
    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", couleur)[:3])


def luminance(couleur):
    def canal(valeur):
        c = valeur / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (canal(v) for v in rgb(couleur))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contraste(a, b):
    """WCAG 2 contrast ratio, from 1 to 21."""
    clair, sombre = sorted((luminance(a), luminance(b)), reverse=True)
    return (clair + 0.05) / (sombre + 0.05)


def meilleur_contraste(indicateurs, fond):
    return max((contraste(indicateur, fond) for indicateur in indicateurs), default=1.0)


def parcourir_au_clavier(page, url):
    """Tab from the top of the page to its end; returns the state of focus at each step and the defects."""
    page.goto(url)
    nombre = page.evaluate(
        "() => document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary,"
        ' [tabindex]:not([tabindex="-1"])\').length'
    )
    etats, defauts, vus = [], [], set()
    # A date input takes one Tab per part (day, month, year): room for them, then the loop stops at the end.
    for _ in range(nombre * 3 + 10):
        page.keyboard.press("Tab")
        etat = page.evaluate(ETAT_FOCUS)
        if etat is None:
            break
        cle = page.evaluate(
            "() => { const e = document.activeElement; return [...document.querySelectorAll('*')].indexOf(e); }"
        )
        if cle in vus:
            if etats and cle != etats[-1]["cle"]:
                break  # back to an element seen before: the Tab order has wrapped round
            continue
        vus.add(cle)
        etat["cle"] = cle
        etat["contraste"] = round(meilleur_contraste(etat["indicateurs"], etat["fond"]), 2)
        if etat["propre"]:
            etat["contraste_propre"] = round(meilleur_contraste(etat["indicateurs"], etat["propre"]), 2)
        etats.append(etat)
        if not etat["indicateurs"]:
            defauts.append(f"{etat['nom']} : aucun indicateur de focus")
        elif etat["contraste"] < MINIMUM:
            defauts.append(f"{etat['nom']} : {etat['indicateurs']} sur {etat['fond']} = {etat['contraste']}:1")
        elif etat.get("contraste_propre", MINIMUM) < MINIMUM:
            defauts.append(
                f"{etat['nom']} : {etat['indicateurs']} contre son fond {etat['propre']} = {etat['contraste_propre']}:1"
            )
    return etats, defauts


def test_contraste_de_la_couleur():
    assert round(contraste("rgb(255, 255, 255)", "rgb(0, 0, 0)"), 1) == 21.0
    assert round(contraste("rgb(255, 191, 71)", "rgb(255, 255, 255)"), 2) == 1.64


def test_le_focus_se_voit_partout_au_clavier(donnees_demo, nouvelle_page):
    from conferences.models import ConferenceTerritoriale
    from engagements.models import Objectif

    conference = ConferenceTerritoriale.objects.get(nom__contains="Lyon")
    objectif = Objectif.objects.filter(aire__code="002").order_by("pk").first()
    urls = [
        "/",
        "/aires/",
        "/aires/002/",
        f"/objectifs/{objectif.pk}/realisations/ajouter/",
        f"/conferences/{conference.pk}/membres/modifier/",
    ]
    page = nouvelle_page(viewport={"width": 1280, "height": 900})
    se_connecter(page, "uesl")
    en_defaut, minimums, types = {}, {}, set()
    for url in urls:
        etats, defauts = parcourir_au_clavier(page, url)
        assert len(etats) > 10, f"{url} : {len(etats)} éléments atteints au clavier"
        minimums[url] = min(e["contraste"] for e in etats)
        types.update(e["nom"].split(" ")[0].split(".")[0] for e in etats)
        if defauts:
            en_defaut[url] = defauts[:12] + ([f"… et {len(defauts) - 12} autres"] if len(defauts) > 12 else [])
    print("\nContraste minimal du focus par page :", json.dumps(minimums, indent=1))
    assert not en_defaut, json.dumps(en_defaut, ensure_ascii=False, indent=1)
    # The walk did meet the kinds of element that are easy to miss: date input, checkbox, summary, scroll region.
    assert any(t.startswith("input") and "[date]" in t for t in types), sorted(types)
    assert any("[checkbox]" in t for t in types), sorted(types)
    assert "summary" in types and "div" in types, sorted(types)

"""The API's interactive documentation in real Chromium, under the site's strict Content Security Policy."""

import pytest

from tests.e2e.conftest import se_connecter

pytestmark = pytest.mark.django_db(transaction=True)


def test_documentation_interactive_sans_cdn_ni_violation_csp(donnees_demo, nouvelle_page, live_server):
    page = nouvelle_page()
    violations, erreurs, origines = [], [], set()
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda erreur: erreurs.append(str(erreur)))
    page.on("request", lambda requete: origines.add(requete.url.split("/")[2]))
    se_connecter(page, "uesl")
    reponse = page.goto("/api/v1/docs/")
    assert "script-src 'self'" in reponse.headers["content-security-policy"]
    page.get_by_text("/api/v1/objectifs/{id}/", exact=True).first.wait_for()
    # An operation opens and runs against the live API with the browser's session.
    page.locator(".opblock-summary", has_text="/api/v1/protocole/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".response .response-col_status", has_text="200").first.wait_for()
    assert violations == []
    assert erreurs == []
    assert origines == {live_server.url.split("/")[2]}

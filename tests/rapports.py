"""Reports prepared by the task worker, downloaded by tests that read their content.

The tests of the preparation itself (tests/partenariat/test_rapports_prepares.py) run the real worker; the tests
of a report's content run its queued preparation here, in their own transaction, then download it.
"""

from partenariat.models import RapportPrepare
from partenariat.pilotage.preparation import preparer_rapport


def preparer_les_rapports_en_attente():
    for pk in RapportPrepare.objects.filter(etat=RapportPrepare.Etat.EN_ATTENTE).values_list("pk", flat=True):
        preparer_rapport.call(pk)


def telecharger_rapport(client, url, **options):
    """The report's PDF response: asked for, prepared, asked for again (as the waiting page does)."""
    reponse = client.get(url, **options)
    if reponse.status_code == 202:
        preparer_les_rapports_en_attente()
        reponse = client.get(url, **options)
    return reponse

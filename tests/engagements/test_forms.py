"""Achievement forms: a date before the protocol or after today is refused in French, by the form and the page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.forms import RealisationForm
from engagements.models import Realisation

pytestmark = pytest.mark.django_db

FUTUR = "La date d'une réalisation ne peut pas être dans le futur."


@pytest.fixture
def aujourd_hui(monkeypatch):
    """A fixed today, so that « tomorrow » does not depend on the hour the suite runs."""
    jour = datetime.date(2014, 3, 1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: jour)
    return jour


def formulaire(date):
    return RealisationForm({"date": date, "quantite": "5", "commentaire": ""})


@pytest.mark.parametrize("date", ["9999-12-31", "31/12/9999", "2014-03-02", "2031-06-15"])
def test_une_date_future_est_refusee(aujourd_hui, date):
    form = formulaire(date)
    assert not form.is_valid()
    assert form.errors["date"] == [FUTUR]


@pytest.mark.parametrize("date", ["2014-03-01", "2012-06-27", "2013-06-15"])
def test_aujourd_hui_et_le_passe_du_protocole_sont_acceptes(aujourd_hui, date):
    assert formulaire(date).is_valid(), formulaire(date).errors


def test_la_page_refuse_le_31_decembre_9999_sans_rien_enregistrer(client, monde):
    client.force_login(monde.utilisateurs["uesl"])
    reponse = client.post(
        reverse("engagements:realisation_add", args=[monde.objectif_lyon.pk]),
        {"date": "9999-12-31", "quantite": "5", "commentaire": "à garder"},
    )
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "La date d&#x27;une réalisation ne peut pas être dans le futur." in contenu
    assert "à garder</textarea>" in contenu
    assert Realisation.objects.count() == 1  # the world's own achievement


def test_la_modification_d_une_realisation_refuse_aussi_le_futur(client, monde):
    client.force_login(monde.utilisateurs["uesl"])
    demain = timezone.localdate() + datetime.timedelta(days=1)
    reponse = client.post(
        reverse("engagements:realisation_edit", args=[monde.realisation_lyon.pk]),
        {"date": demain.isoformat(), "quantite": "5", "commentaire": ""},
    )
    assert reponse.status_code == 200
    assert "ne peut pas être dans le futur" in reponse.content.decode()
    monde.realisation_lyon.refresh_from_db()
    assert monde.realisation_lyon.date != demain

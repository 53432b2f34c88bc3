"""What people wrote stays marked as French on pages in another language (WCAG 3.1.2, language of parts)."""

import pytest
from django.template import engines
from django.utils import translation

from conferences.models import Reunion

GABARIT = engines["django"].from_string("{% load donnees %}{% donnee %}{{ texte|linebreaksbr }}{% enddonnee %}")


def rendre(texte, langue):
    with translation.override(langue):
        return GABARIT.render({"texte": texte})


def test_rien_n_est_ajoute_sur_une_page_francaise():
    assert rendre("Compte rendu\nvalidé", "fr") == "Compte rendu<br>validé"


def test_marque_en_francais_sur_une_page_anglaise_et_reste_echappe():
    assert rendre("Réunion <b>plénière</b>", "en") == '<span lang="fr">Réunion &lt;b&gt;plénière&lt;/b&gt;</span>'


def test_un_texte_vide_ne_laisse_pas_de_balise_vide():
    assert rendre("", "en") == ""


@pytest.mark.django_db
def test_compte_rendu_d_une_reunion_en_anglais(client, monde):
    Reunion.objects.filter(pk=monde.reunion_lyon.pk).update(compte_rendu="Installation des groupes de travail.")
    client.force_login(monde.utilisateurs["elu"])
    url = f"/conferences/reunions/{monde.reunion_lyon.pk}/"
    francais = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    anglais = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Installation des groupes de travail." in francais and '<span lang="fr">' not in francais
    assert '<span lang="fr">Installation des groupes de travail.</span>' in anglais
    assert '<html lang="en">' in anglais

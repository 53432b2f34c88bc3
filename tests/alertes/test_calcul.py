"""Each alert rule on hand-built data, at its boundary: the day before, the day it starts, the day after."""

import datetime

import pytest
from django.utils import timezone

from engagements.avancement import prorata_annee
from engagements.models import ClotureAnnee, Realisation
from partenariat.alertes.calcul import NATIONALE, Genre, Portee, calculer_alertes
from partenariat.alertes.services import portee_de
from tests import fabriques
from tests.acteurs import utilisateur

J = datetime.timedelta(days=1)


def d(texte):
    return datetime.date.fromisoformat(texte)


def moment(jour, heure=10):
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure)))


def cles(au, genre, portee=NATIONALE):
    return [a.cle for a in calculer_alertes(au, portee, genres={genre})]


def bornes(au_debut):
    """The day before the alert starts, the day it starts and the day after."""
    return au_debut - J, au_debut, au_debut + J


@pytest.fixture
def protocole(db):
    return fabriques.protocole()  # signed 27 June 2012, 2013–2015, six months: deadline 27 December 2012


@pytest.fixture
def phase(protocole):
    return fabriques.phase()


DEBUT = datetime.date(2013, 1, 1)


def aire_du_dispositif(phase, entree=DEBUT, **kwargs):
    aire = fabriques.aire(**kwargs)
    fabriques.entree(aire, phase, entree)
    return aire


# --- Conferences ----------------------------------------------------------------------------------------------------


def test_conference_non_installee_apres_le_delai(protocole):
    conference = fabriques.conference("Conférence tardive")
    veille, jour, lendemain = bornes(d("2012-12-28"))  # installable until the deadline, the 27th, included
    assert cles(veille, Genre.CONFERENCE_NON_INSTALLEE) == []
    assert cles(jour, Genre.CONFERENCE_NON_INSTALLEE) == [f"conference_non_installee:{conference.pk}"]
    assert cles(lendemain, Genre.CONFERENCE_NON_INSTALLEE) == [f"conference_non_installee:{conference.pk}"]
    alerte = calculer_alertes(jour, genres={Genre.CONFERENCE_NON_INSTALLEE})[0]
    assert alerte.gravite == "haute"
    assert alerte.lien == f"/conferences/{conference.pk}/"
    assert "27/12/2012" in alerte.libelle


def test_conference_installee_en_retard_n_alerte_plus_des_son_installation(protocole):
    fabriques.conference("Installée en février", installation=d("2013-02-10"))
    assert len(cles(d("2013-02-09"), Genre.CONFERENCE_NON_INSTALLEE)) == 1
    assert cles(d("2013-02-10"), Genre.CONFERENCE_NON_INSTALLEE) == []


def test_conference_sans_reunion_plus_de_six_mois_de_la_periode(protocole):
    """Installed in 2012: the six months count from the start of the period, 1 January 2013."""
    conference = fabriques.conference("Silencieuse", installation=d("2012-10-01"))
    veille, jour, lendemain = bornes(d("2013-07-02"))
    assert cles(veille, Genre.CONFERENCE_SANS_REUNION) == []
    assert cles(jour, Genre.CONFERENCE_SANS_REUNION) == [f"conference_sans_reunion:{conference.pk}"]
    assert cles(lendemain, Genre.CONFERENCE_SANS_REUNION) == [f"conference_sans_reunion:{conference.pk}"]


def test_une_reunion_repousse_l_alerte_de_six_mois(protocole):
    from conferences.models import Reunion

    conference = fabriques.conference("Réunie", installation=d("2012-10-01"))
    Reunion.objects.create(conference=conference, date=d("2013-03-15"))
    veille, jour, lendemain = bornes(d("2013-09-16"))
    assert cles(veille, Genre.CONFERENCE_SANS_REUNION) == []
    assert len(cles(jour, Genre.CONFERENCE_SANS_REUNION)) == 1
    assert len(cles(lendemain, Genre.CONFERENCE_SANS_REUNION)) == 1
    alerte = calculer_alertes(jour, genres={Genre.CONFERENCE_SANS_REUNION})[0]
    assert "15/03/2013" in alerte.libelle
    # Without that meeting, the alert would have started on 2 July.
    assert cles(d("2013-07-02"), Genre.CONFERENCE_SANS_REUNION) == []
    # Outside the period nothing is expected of a conference.
    assert cles(d("2016-01-01"), Genre.CONFERENCE_SANS_REUNION) == []


def test_seuil_de_reunion_reglable(protocole, settings):
    settings.ALERTES_SEUILS = {**settings.ALERTES_SEUILS, "reunion_mois": 3}
    fabriques.conference("Trimestrielle", installation=d("2012-10-01"))
    assert cles(d("2013-04-01"), Genre.CONFERENCE_SANS_REUNION) == []
    assert len(cles(d("2013-04-02"), Genre.CONFERENCE_SANS_REUNION)) == 1


# --- Areas ----------------------------------------------------------------------------------------------------------


def test_aire_du_dispositif_sans_conference(phase):
    aire = aire_du_dispositif(phase, entree=d("2014-01-01"), code="301")
    veille, jour, lendemain = bornes(d("2014-01-01"))
    assert cles(veille, Genre.AIRE_SANS_CONFERENCE) == []
    assert cles(jour, Genre.AIRE_SANS_CONFERENCE) == ["aire_sans_conference:301"]
    assert cles(lendemain, Genre.AIRE_SANS_CONFERENCE) == ["aire_sans_conference:301"]
    assert calculer_alertes(jour, genres={Genre.AIRE_SANS_CONFERENCE})[0].lien == "/aires/301/"
    fabriques.conference("Couvrante", aires=[aire])
    assert cles(lendemain, Genre.AIRE_SANS_CONFERENCE) == []


def test_aire_sans_objectif_pour_une_annee_commencee(phase):
    aire = aire_du_dispositif(phase, code="302")
    fabriques.conference("Couvrante", aires=[aire])
    fabriques.objectif(aire, annee=2013)
    veille, jour, lendemain = bornes(d("2014-01-01"))
    assert cles(veille, Genre.AIRE_SANS_OBJECTIFS) == []
    assert cles(jour, Genre.AIRE_SANS_OBJECTIFS) == ["aire_sans_objectifs:302:2014"]
    assert cles(lendemain, Genre.AIRE_SANS_OBJECTIFS) == ["aire_sans_objectifs:302:2014"]


def test_objectif_convenu_leve_l_alerte_a_sa_date_d_accord(phase):
    aire = aire_du_dispositif(phase, code="303")
    fabriques.objectif(aire, annee=2013)
    fabriques.objectif(aire, annee=2014, date_accord=d("2014-02-10"))
    assert cles(d("2014-02-09"), Genre.AIRE_SANS_OBJECTIFS) == ["aire_sans_objectifs:303:2014"]
    assert cles(d("2014-02-10"), Genre.AIRE_SANS_OBJECTIFS) == []


def test_une_aire_entree_en_2014_n_a_pas_d_objectif_2013_a_convenir(phase):
    aire_du_dispositif(phase, entree=d("2014-06-01"), code="304")
    assert cles(d("2014-05-31"), Genre.AIRE_SANS_OBJECTIFS) == []
    assert cles(d("2014-06-01"), Genre.AIRE_SANS_OBJECTIFS) == ["aire_sans_objectifs:304:2014"]


# --- Objectives -----------------------------------------------------------------------------------------------------


def premier_jour_en_retard(realise, cible, annee=2013):
    """The first day the rate falls more than 10 points under the share of the year elapsed."""
    jour = datetime.date(annee, 1, 1)
    while realise * 100.0 / cible >= prorata_annee(annee, jour) - 10:
        jour += J
    return jour


def test_objectif_en_retard(phase):
    aire = aire_du_dispositif(phase, code="305")
    objectif = fabriques.objectif(aire, annee=2013, cible=100)
    fabriques.realisation(objectif, 10, d("2013-01-15"))
    # A pending achievement does not count: the figures are the validated ones.
    fabriques.realisation(objectif, 80, d("2013-01-20"), etat="soumise")
    veille, jour, lendemain = bornes(premier_jour_en_retard(10, 100))
    assert jour == d("2013-03-15")
    assert cles(veille, Genre.OBJECTIF_EN_RETARD) == []
    assert cles(jour, Genre.OBJECTIF_EN_RETARD) == [f"objectif_en_retard:{objectif.pk}"]
    assert cles(lendemain, Genre.OBJECTIF_EN_RETARD) == [f"objectif_en_retard:{objectif.pk}"]
    alerte = calculer_alertes(jour, genres={Genre.OBJECTIF_EN_RETARD})[0]
    assert alerte.lien == f"/objectifs/{objectif.pk}/"
    assert "10 sur 100" in alerte.libelle


def test_objectif_d_une_annee_close_ne_donne_plus_d_alerte(phase):
    from django.contrib.auth import get_user_model

    aire = aire_du_dispositif(phase, code="306")
    fabriques.objectif(aire, annee=2013, cible=100)
    assert len(cles(d("2014-02-01"), Genre.OBJECTIF_SANS_REALISATION)) == 1
    uesl = get_user_model().objects.create(username="cloture")
    ClotureAnnee.objects.create(annee=2013, close_le=moment(d("2014-02-14")), close_par=uesl)
    assert len(cles(d("2014-02-13"), Genre.OBJECTIF_SANS_REALISATION)) == 1  # not yet closed then
    assert cles(d("2014-02-14"), Genre.OBJECTIF_SANS_REALISATION) == []


def test_objectif_sans_realisation_apres_un_trimestre(phase):
    aire = aire_du_dispositif(phase, code="307")
    objectif = fabriques.objectif(aire, annee=2013, cible=100)
    veille, jour, lendemain = bornes(d("2013-04-01"))  # 1 January + 90 days
    assert cles(veille, Genre.OBJECTIF_SANS_REALISATION) == []
    assert cles(jour, Genre.OBJECTIF_SANS_REALISATION) == [f"objectif_sans_realisation:{objectif.pk}"]
    assert cles(lendemain, Genre.OBJECTIF_SANS_REALISATION) == [f"objectif_sans_realisation:{objectif.pk}"]
    fabriques.realisation(objectif, 30, d("2013-04-02"))
    assert cles(lendemain, Genre.OBJECTIF_SANS_REALISATION) == []
    assert cles(jour, Genre.OBJECTIF_SANS_REALISATION) == [f"objectif_sans_realisation:{objectif.pk}"]


# --- Achievements ---------------------------------------------------------------------------------------------------


def test_realisations_en_attente_depuis_plus_de_trente_jours(phase):
    aire = aire_du_dispositif(phase, code="308")
    objectif = fabriques.objectif(aire, annee=2014, cible=100)
    realisation = fabriques.realisation(objectif, 5, d("2014-02-28"), etat="soumise")
    Realisation.objects.filter(pk=realisation.pk).update(soumise_le=moment(d("2014-03-01")))
    veille, jour, lendemain = bornes(d("2014-04-01"))  # more than 30 days after 1 March
    assert cles(veille, Genre.REALISATIONS_EN_ATTENTE) == []
    assert cles(jour, Genre.REALISATIONS_EN_ATTENTE) == ["realisations_en_attente:308"]
    assert cles(lendemain, Genre.REALISATIONS_EN_ATTENTE) == ["realisations_en_attente:308"]
    alerte = calculer_alertes(jour, genres={Genre.REALISATIONS_EN_ATTENTE}, file_validation=True)[0]
    assert alerte.lien == "/validation/?aire=308&attente=30"
    assert "1 réalisation attend" in alerte.libelle
    # For those who do not validate, the area's page.
    assert calculer_alertes(jour, genres={Genre.REALISATIONS_EN_ATTENTE})[0].lien == "/aires/308/"
    # Validated on 10 April: still pending the day before, no longer on the day.
    Realisation.objects.filter(pk=realisation.pk).update(etat="validee", examinee_le=moment(d("2014-04-10")))
    assert cles(d("2014-04-09"), Genre.REALISATIONS_EN_ATTENTE) == ["realisations_en_attente:308"]
    assert cles(d("2014-04-10"), Genre.REALISATIONS_EN_ATTENTE) == []


def test_realisation_renvoyee_non_corrigee(phase):
    aire = aire_du_dispositif(phase, code="309")
    objectif = fabriques.objectif(aire, annee=2014, cible=100)
    realisation = fabriques.realisation(objectif, 5, d("2014-02-20"), etat="renvoyee")
    Realisation.objects.filter(pk=realisation.pk).update(examinee_le=moment(d("2014-03-01")))
    veille, jour, lendemain = bornes(d("2014-03-17"))  # more than 15 days after 1 March
    attendu = [f"realisation_renvoyee:{realisation.pk}"]
    assert cles(veille, Genre.REALISATION_RENVOYEE) == []
    assert cles(jour, Genre.REALISATION_RENVOYEE) == attendu
    assert cles(lendemain, Genre.REALISATION_RENVOYEE) == attendu
    assert calculer_alertes(jour, genres={Genre.REALISATION_RENVOYEE})[0].lien == (
        f"/objectifs/realisations/{realisation.pk}/"
    )


# --- Years ----------------------------------------------------------------------------------------------------------


def test_annee_terminee_non_close(protocole):
    veille, jour, lendemain = bornes(d("2014-03-02"))  # 31 December 2013 + 60 days = 1 March
    assert cles(veille, Genre.ANNEE_NON_CLOSE) == []
    assert cles(jour, Genre.ANNEE_NON_CLOSE) == ["annee_non_close:2013"]
    assert cles(lendemain, Genre.ANNEE_NON_CLOSE) == ["annee_non_close:2013"]
    assert calculer_alertes(jour, genres={Genre.ANNEE_NON_CLOSE})[0].lien == "/objectifs/annees/"


def test_annee_close_puis_rouverte(protocole):
    uesl = utilisateur("uesl-cloture")
    cloture = ClotureAnnee.objects.create(annee=2013, close_le=moment(d("2014-03-10")), close_par=uesl)
    assert cles(d("2014-03-09"), Genre.ANNEE_NON_CLOSE) == ["annee_non_close:2013"]
    assert cles(d("2014-03-10"), Genre.ANNEE_NON_CLOSE) == []
    ClotureAnnee.objects.filter(pk=cloture.pk).update(
        close=False, rouverte_le=moment(d("2014-05-01")), motif_reouverture="Correction"
    )
    assert cles(d("2014-04-30"), Genre.ANNEE_NON_CLOSE) == []
    assert cles(d("2014-05-01"), Genre.ANNEE_NON_CLOSE) == ["annee_non_close:2013"]


# --- Scope ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def deux_conferences(phase):
    """Two conferences, each with an area in the scheme, one objective without achievement and no meeting."""
    lyon, marseille = aire_du_dispositif(phase, code="402"), aire_du_dispositif(phase, code="403")
    conf_lyon = fabriques.conference("Lyon", installation=d("2012-11-01"), aires=[lyon])
    conf_marseille = fabriques.conference("Marseille", installation=d("2012-11-01"), aires=[marseille])
    fabriques.objectif(lyon, annee=2014)
    fabriques.objectif(marseille, annee=2014)
    return conf_lyon, conf_marseille


AU = d("2014-06-30")


def test_la_portee_d_un_secretariat_est_sa_conference(deux_conferences):
    conf_lyon, conf_marseille = deux_conferences
    secretariat = utilisateur("secretariat-a", "Secrétariat de conférence")
    conf_lyon.secretariat.add(secretariat)
    alertes = calculer_alertes(AU, portee_de(secretariat))
    assert alertes, "la conférence de Lyon a des alertes"
    assert {a.aire_code for a in alertes if a.aire_code} == {"402"}
    assert all(conf_marseille.pk not in a.conferences for a in alertes)
    # `tout` is for those who read everything: a secretariat's scope stays its own.
    assert calculer_alertes(AU, portee_de(secretariat, tout=True)) == alertes


def test_portee_calculee_en_sql_comme_en_python(deux_conferences):
    """The scope narrows the queries; the same alerts as the national list filtered one by one."""
    conf_lyon, _marseille = deux_conferences
    portee = Portee(frozenset(conf_lyon.aires.values_list("pk", flat=True)), frozenset({conf_lyon.pk}), False)
    nationales = calculer_alertes(AU)
    assert calculer_alertes(AU, portee) == [a for a in nationales if portee.concerne(a)]
    assert len(calculer_alertes(AU, portee)) < len(nationales)


def test_un_elu_voit_ce_qu_il_suit_ou_tout_sur_demande(deux_conferences):
    from partenariat.alertes.services import suivre

    conf_lyon, _marseille = deux_conferences
    elu = utilisateur("elu-suiveur", "Élus")
    assert calculer_alertes(AU, portee_de(elu)) == []
    suivre(elu, conference=conf_lyon)
    assert {a.aire_code for a in calculer_alertes(AU, portee_de(elu)) if a.aire_code} == {"402"}
    assert calculer_alertes(AU, portee_de(elu, tout=True)) == calculer_alertes(AU)


def test_nombre_de_requetes_constant(deux_conferences, django_assert_max_num_queries, phase):
    """Every rule reads its rows in a few queries, whatever their number."""
    with django_assert_max_num_queries(16):
        petit = calculer_alertes(AU)
    for i in range(30):
        aire = aire_du_dispositif(phase, code=f"5{i:02d}")
        fabriques.objectif(aire, annee=2014)
        fabriques.conference(f"Conférence {i}")
    with django_assert_max_num_queries(16):
        grand = calculer_alertes(AU)
    assert len(grand) > len(petit) + 60

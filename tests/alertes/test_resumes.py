"""Email digests through the real pipeline: the command queues tasks, the database worker runs them, Django's SMTP
backend delivers them to a real SMTP server on loopback (aiosmtpd)."""

import datetime
import email
import email.policy
import html
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import signing
from django.core.management import call_command
from django.utils import timezone

from engagements.models import Realisation
from partenariat.alertes.models import EtatResume, Resume, Suivi
from partenariat.alertes.resumes import jeton_desabonnement
from partenariat.models import PreferencesUtilisateur
from partenariat.roles import synchroniser_roles
from tests import fabriques
from tests.acteurs import utilisateur

AU = datetime.date(2014, 6, 30)
URL = re.compile(r"https?://[^\s<>\"]+")


def port_libre():
    with socket.socket() as sonde:
        sonde.bind(("127.0.0.1", 0))
        return sonde.getsockname()[1]


class Boite:
    def __init__(self):
        self.recus = []

    async def handle_DATA(self, server, session, envelope):
        self.recus.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.recus]

    def pour(self, adresse):
        return [m for e, m in zip(self.recus, self.messages(), strict=True) if adresse in e.rcpt_tos]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a loopback port, and Django's SMTP backend pointed at it."""
    boite, port = Boite(), port_libre()
    serveur = Controller(boite, hostname="127.0.0.1", port=port)
    serveur.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    settings.URL_SITE = "https://partenariat.example.org"
    boite.port = port
    yield boite
    serveur.stop()


def executer_les_resumes(**options):
    """What cron and the worker do: queue the digests due, then run every queued task and stop."""
    call_command("envoyer_resumes", verbosity=0, **options)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def choisir(user, frequence="quotidien"):
    user.email = f"{user.username}@exemple.fr"
    user.save(update_fields=["email"])
    PreferencesUtilisateur.objects.update_or_create(utilisateur=user, defaults={"frequence_resume": frequence})


def corps(message):
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def lyon(transactional_db):
    """Lyon's conference with its secretariat, an élu following the area, a UESL validator, and one achievement
    the secretariat recorded and UESL validated an hour ago.

    Committed for real: the worker closes and reopens its database connection between tasks, as in production,
    which a test's enclosing transaction would forbid (PostgreSQL, connection pool). The roles are created again:
    a transactional test empties the tables its migrations had filled."""
    synchroniser_roles()
    fabriques.protocole()
    aire = fabriques.aire(code="402", nom="Lyon")
    fabriques.entree(aire, fabriques.phase(), datetime.date(2013, 1, 1))
    conference = fabriques.conference("Conférence de Lyon", installation=datetime.date(2012, 11, 1), aires=[aire])
    secretariat = utilisateur("secretariat", "Secrétariat de conférence")
    conference.secretariat.add(secretariat)
    elu = utilisateur("elu-lyon", "Élus")
    Suivi.objects.create(utilisateur=elu, aire=aire)
    uesl = utilisateur("validateur", "Équipe UESL")
    objectif = fabriques.objectif(aire, annee=2014, cible=200)
    fabriques.objectif(aire, annee=2013, cible=100)
    realisation = fabriques.realisation(objectif, 42, datetime.date(2014, 5, 20), etat="soumise")
    il_y_a_une_heure = timezone.now() - datetime.timedelta(hours=1)
    Realisation.objects.filter(pk=realisation.pk).update(
        saisi_par=secretariat,
        modifie_par=secretariat,
        soumise_le=il_y_a_une_heure - datetime.timedelta(hours=2),
        etat="validee",
        examinee_par=uesl,
        examinee_le=il_y_a_une_heure,
    )
    for user in (secretariat, elu, uesl):
        choisir(user)
    return {"aire": aire, "secretariat": secretariat, "elu": elu, "uesl": uesl, "objectif": objectif}


def test_un_resume_par_personne_avec_ses_entrees_et_ses_liens(lyon, smtp, client):
    executer_les_resumes(date=AU.isoformat())
    elu = smtp.pour("elu-lyon@exemple.fr")
    assert len(elu) == 1
    texte = corps(elu[0])
    assert "Changements dans ce que vous suivez" in texte
    assert "Lyon (402) : 1 réalisation validée (42 au total)." in texte
    assert "Nouvelles alertes" in texte
    assert "Lyon — Production de logements sociaux 2013 : aucune réalisation validée." in texte
    secretariat = corps(smtp.pour("secretariat@exemple.fr")[0])
    assert "Vos réalisations examinées" in secretariat
    assert "Validée : Lyon — Production de logements sociaux 2014, 42 au 20/05/2014." in secretariat
    # Every link is absolute, on the site's address, and opens a page for the person it was sent to.
    liens = URL.findall(texte)
    assert liens and all(lien.startswith("https://partenariat.example.org/") for lien in liens)
    client.force_login(lyon["elu"])
    for lien in liens:
        chemin = lien.removeprefix("https://partenariat.example.org")
        if "/desabonnement/" in chemin:
            continue
        assert client.get(chemin).status_code == 200, chemin
    # HTML and plain text, French, unsubscribe headers.
    html = elu[0].get_body(("html",)).get_content()
    assert '<html lang="fr">' in html and "Lyon (402)" in html
    assert elu[0]["List-Unsubscribe"] == (
        f"<https://partenariat.example.org/comptes/desabonnement/{jeton_desabonnement(lyon['elu'])}/>"
    )
    assert elu[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Resume.objects.filter(etat=EtatResume.ENVOYE).count() == 3


def test_un_seul_courriel_quel_que_soit_le_nombre_d_entrees(lyon, smtp):
    for annee, dispositif in ((2014, "accession_sociale"), (2014, "location_accession"), (2015, "accession_sociale")):
        fabriques.objectif(lyon["aire"], annee=annee, dispositif=dispositif)
    executer_les_resumes(date="2015-06-30")
    assert len(smtp.pour("elu-lyon@exemple.fr")) == 1
    assert corps(smtp.pour("elu-lyon@exemple.fr")[0]).count("aucune réalisation validée") >= 4


def test_un_second_passage_n_envoie_rien(lyon, smtp):
    executer_les_resumes(date=AU.isoformat())
    assert len(smtp.recus) == 3
    executer_les_resumes(date=AU.isoformat())
    assert len(smtp.recus) == 3
    assert Resume.objects.count() == 3


def test_deux_taches_pour_la_meme_periode_n_envoient_qu_une_fois(lyon, smtp):
    """Two runs queued before the worker starts: the period's row is taken by the first task only."""
    call_command("envoyer_resumes", date=AU.isoformat(), verbosity=0)
    call_command("envoyer_resumes", date=AU.isoformat(), verbosity=0)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(smtp.pour("elu-lyon@exemple.fr")) == 1


def test_rien_de_nouveau_rien_d_envoye(lyon, smtp):
    executer_les_resumes(date=AU.isoformat())
    executer_les_resumes(date=(AU + datetime.timedelta(days=1)).isoformat())  # a new period, nothing changed
    assert len(smtp.pour("elu-lyon@exemple.fr")) == 1
    assert Resume.objects.filter(utilisateur=lyon["elu"], etat=EtatResume.RIEN).count() == 1


def test_une_alerte_levee_est_annoncee(lyon, smtp):
    executer_les_resumes(date=AU.isoformat())
    objectif_2013 = lyon["aire"].objectifs.get(annee=2013)
    fabriques.realisation(objectif_2013, 80, datetime.date(2013, 6, 1))
    executer_les_resumes(date=(AU + datetime.timedelta(days=1)).isoformat())
    second = corps(smtp.pour("elu-lyon@exemple.fr")[1])
    assert "Alertes levées" in second
    assert "Lyon — Production de logements sociaux 2013 : aucune réalisation validée." in second


def test_hebdomadaire_une_fois_par_semaine(lyon, smtp):
    choisir(lyon["elu"], "hebdomadaire")
    lundi = datetime.date(2014, 6, 30)
    executer_les_resumes(date=lundi.isoformat())
    fabriques.objectif(lyon["aire"], annee=2014, dispositif="accession_sociale")  # something new on Wednesday
    executer_les_resumes(date=(lundi + datetime.timedelta(days=2)).isoformat())
    assert len(smtp.pour("elu-lyon@exemple.fr")) == 1
    executer_les_resumes(date=(lundi + datetime.timedelta(days=7)).isoformat())
    assert len(smtp.pour("elu-lyon@exemple.fr")) == 2


def test_serveur_injoignable_puis_remis_une_seule_fois(lyon, smtp, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port_libre(), "timeout": 2},  # nobody listens there
        }
    }
    executer_les_resumes(date=AU.isoformat())  # fails softly: no exception out of the command or the worker
    assert smtp.recus == []
    assert Resume.objects.filter(etat=EtatResume.ECHEC).count() == 3
    assert all(Resume.objects.values_list("erreur", flat=True))
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp.port, "timeout": 5},
        }
    }
    executer_les_resumes(date=AU.isoformat())
    assert len(smtp.pour("elu-lyon@exemple.fr")) == 1
    assert "Lyon (402) : 1 réalisation validée" in corps(smtp.pour("elu-lyon@exemple.fr")[0])
    executer_les_resumes(date=AU.isoformat())
    assert len(smtp.recus) == 3
    assert set(Resume.objects.values_list("etat", "tentatives")) == {(EtatResume.ENVOYE, 2)}


def test_sans_adresse_ni_choix_pas_de_resume(lyon, smtp):
    PreferencesUtilisateur.objects.filter(utilisateur=lyon["uesl"]).update(frequence_resume="aucun")
    lyon["secretariat"].email = ""
    lyon["secretariat"].save(update_fields=["email"])
    executer_les_resumes(date=AU.isoformat())
    assert [e.rcpt_tos for e in smtp.recus] == [["elu-lyon@exemple.fr"]]


def test_le_validateur_est_prevenu_de_ce_qui_l_attend(lyon, smtp):
    soumise = fabriques.realisation(lyon["objectif"], 7, datetime.date(2014, 6, 1), etat="soumise")
    Realisation.objects.filter(pk=soumise.pk).update(
        saisi_par=lyon["secretariat"], modifie_par=lyon["secretariat"], soumise_le=timezone.now()
    )
    executer_les_resumes(date=AU.isoformat())
    texte = corps(smtp.pour("validateur@exemple.fr")[0])
    assert "En attente de votre validation" in texte
    assert "1 nouvelle réalisation attend votre validation (1 en attente en tout)." in texte
    assert "https://partenariat.example.org/validation/" in texte
    assert "En attente de votre validation" not in corps(smtp.pour("secretariat@exemple.fr")[0])


def test_le_lien_de_desabonnement_marche_sans_connexion(lyon, smtp, client):
    executer_les_resumes(date=AU.isoformat())
    lien = smtp.pour("elu-lyon@exemple.fr")[0]["List-Unsubscribe"].strip("<>")
    chemin = lien.removeprefix("https://partenariat.example.org")
    assert client.get(chemin).status_code == 200
    # RFC 8058: the mail client posts "List-Unsubscribe=One-Click", without any cookie or token of ours.
    assert client.post(chemin, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert PreferencesUtilisateur.objects.get(utilisateur=lyon["elu"]).frequence_resume == "aucun"
    executer_les_resumes(date=(AU + datetime.timedelta(days=1)).isoformat())
    assert len(smtp.pour("elu-lyon@exemple.fr")) == 1


def test_un_lien_contrefait_est_refuse(lyon, client):
    jeton = jeton_desabonnement(lyon["elu"])
    faux = jeton[:-3] + ("aaa" if not jeton.endswith("aaa") else "bbb")
    # The élu's signature on another person's id.
    autre = ":".join([signing.b64_encode(str(lyon["uesl"].pk).encode()).decode(), *jeton.split(":")[1:]])
    assert autre != jeton
    for mauvais in (faux, autre, "1", "abc:def"):
        reponse = client.post(f"/comptes/desabonnement/{mauvais}/")
        assert reponse.status_code == 400
        assert "lien de désabonnement n'est pas valide" in html.unescape(reponse.content.decode())
    assert set(PreferencesUtilisateur.objects.values_list("frequence_resume", flat=True)) == {"quotidien"}


def test_la_commande_refuse_une_date_invalide(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="n'est pas valide"):
        call_command("envoyer_resumes", date="30/06/2014")

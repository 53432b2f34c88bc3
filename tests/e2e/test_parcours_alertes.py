"""An elected official follows Lyon from its area page; Lyon's secretariat records an achievement, UESL staff
validate it; the next morning's digest run (the command cron starts, then the real database worker) delivers one
email to the official, through a real SMTP server on loopback, naming Lyon and what was validated; a second run
sends nothing; the email's unsubscribe link works in a signed-out browser."""

import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from tests.e2e.conftest import se_connecter
from tests.e2e.test_parcours_saisie import surveiller_csp

QUANTITE = 12
COMMENTAIRE = "Résidence Confluence, livrée en juin (suivi)"
ADRESSE_ELU = "elu@demo.invalid"


class Boite:
    """The SMTP server's mailbox: every envelope received, in order."""

    def __init__(self):
        self.recus = []

    async def handle_DATA(self, server, session, envelope):
        self.recus.append(envelope)
        return "250 Message accepted for delivery"

    def pour(self, adresse):
        return [
            email.message_from_bytes(enveloppe.content, policy=email.policy.default)
            for enveloppe in self.recus
            if adresse in enveloppe.rcpt_tos
        ]


@pytest.fixture
def serveur_smtp(settings, live_server):
    """A real SMTP server on a free loopback port, Django's SMTP backend pointed at it, and the site's address
    (that of the emailed links) the live server's."""
    with socket.socket() as sonde:
        sonde.bind(("127.0.0.1", 0))
        port = sonde.getsockname()[1]
    boite = Boite()
    serveur = Controller(boite, hostname="127.0.0.1", port=port)
    serveur.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    settings.URL_SITE = live_server.url
    yield boite
    serveur.stop()


def executer_les_resumes():
    """What cron and the worker do each morning: queue the digests due today, run every queued task, stop."""
    call_command("envoyer_resumes", verbosity=0)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_l_elu_suit_lyon_et_recoit_un_seul_resume_de_la_realisation_validee(
    donnees_demo, nouvelle_page, serveur_smtp, live_server
):
    from engagements.models import Objectif, Realisation
    from partenariat.alertes.models import Resume, Suivi
    from partenariat.models import PreferencesUtilisateur

    objectif = Objectif.objects.get(aire__code="002", annee=2014, dispositif="prive_intermediaire")
    assert not Suivi.objects.filter(utilisateur__username="elu", aire__code="002").exists()

    # The élu follows Lyon from its area page, and finds it among their follows.
    elu = nouvelle_page()
    erreurs_csp = surveiller_csp(elu)
    se_connecter(elu, "elu")
    elu.goto("/aires/002/")
    elu.get_by_role("button", name="Suivre Lyon", exact=True).click()
    elu.wait_for_url("**/aires/002/")
    assert "Vous suivez désormais « Lyon (002) »." in elu.locator(".messages").inner_text()
    assert elu.get_by_role("button", name="Ne plus suivre Lyon", exact=True).count() == 1
    elu.get_by_role("link", name="Mes suivis").click()
    elu.wait_for_url("**/comptes/suivis/")
    aires = elu.locator("section[aria-labelledby='titre-aires']")
    assert aires.get_by_role("link", name="Lyon (002)", exact=True).count() == 1
    assert "Résumé par courriel : un résumé par semaine." in elu.locator(".introduction").inner_text()
    assert not erreurs_csp, erreurs_csp

    # Lyon's secretariat records an achievement on a 2014 objective (2013 is closed in the demo).
    secretariat = nouvelle_page()
    erreurs_csp = surveiller_csp(secretariat)
    se_connecter(secretariat, "secretariat-lyon")
    secretariat.goto(f"/objectifs/{objectif.pk}/")
    secretariat.get_by_role("link", name="Ajouter une réalisation").click()
    secretariat.get_by_label("Date").fill("2014-06-15")
    secretariat.get_by_label("Quantité réalisée").fill(str(QUANTITE))
    secretariat.get_by_label("Commentaire").fill(COMMENTAIRE)
    secretariat.get_by_role("button", name="Enregistrer").click()
    secretariat.wait_for_url(f"**/objectifs/{objectif.pk}/")
    assert "soumise à validation" in secretariat.locator(".messages").inner_text()
    assert not erreurs_csp, erreurs_csp

    # UESL staff validate it from the queue.
    uesl = nouvelle_page()
    erreurs_csp = surveiller_csp(uesl)
    se_connecter(uesl, "uesl")
    uesl.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="À valider").click()
    uesl.wait_for_url("**/validation/")
    uesl.get_by_label("Aire urbaine").fill("002")
    uesl.get_by_role("button", name="Appliquer les filtres").click()
    ligne = uesl.get_by_role("row").filter(has=uesl.get_by_role("link", name="15/06/2014", exact=True))
    ligne.get_by_label(re.compile(r"^Sélectionner la réalisation du 15/06/2014")).check()
    uesl.get_by_role("button", name="Valider la sélection").click()
    assert "1 réalisation validée" in uesl.locator(".messages").inner_text()
    assert not erreurs_csp, erreurs_csp
    realisation = Realisation.objects.get(commentaire=COMMENTAIRE)
    assert (realisation.etat, realisation.examinee_par.username) == ("validee", "uesl")

    # The morning run: the command queues the digests, the database worker sends them.
    executer_les_resumes()
    recus = serveur_smtp.pour(ADRESSE_ELU)
    assert len(recus) == 1, [m["Subject"] for m in recus]
    message = recus[0]
    assert message["To"] == ADRESSE_ELU
    texte = message.get_body(("plain",)).get_content()
    assert "Bonjour elu," in texte
    section = texte.split("== Changements dans ce que vous suivez ==", 1)
    assert len(section) == 2, texte
    assert f"Lyon (002) : 1 réalisation validée ({QUANTITE} au total)." in section[1].split("==", 1)[0], texte
    assert f"{live_server.url}/aires/002/" in section[1]
    desabonnement = re.fullmatch(r"<(http://[^>]+/comptes/desabonnement/[^/>]+/)>", message["List-Unsubscribe"])
    assert desabonnement, message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert desabonnement[1] in texte
    assert Resume.objects.get(utilisateur__username="elu").etat == "envoye"
    # Its author is told too, in their daily digest.
    (auteur,) = serveur_smtp.pour("secretariat-lyon@demo.invalid")
    texte_auteur = auteur.get_body(("plain",)).get_content()
    assert "== Vos réalisations examinées ==" in texte_auteur
    assert re.search(rf"Validée : Lyon — .+ 2014, {QUANTITE} au 15/06/2014\.", texte_auteur), texte_auteur

    # A second run the same day sends nothing more, to anyone.
    envoyes = len(serveur_smtp.recus)
    executer_les_resumes()
    assert len(serveur_smtp.recus) == envoyes
    assert len(serveur_smtp.pour(ADRESSE_ELU)) == 1

    # The email's link, opened in a browser that never signed in: one button, then no more digests.
    lecteur = nouvelle_page()
    erreurs_csp = surveiller_csp(lecteur)
    lecteur.goto(desabonnement[1])
    assert "Ne plus envoyer de résumé par courriel au compte elu ?" in lecteur.locator("main").inner_text()
    lecteur.get_by_role("button", name="Me désabonner").click()
    assert "le compte elu ne recevra plus de résumé par courriel" in lecteur.get_by_role("status").inner_text()
    assert not erreurs_csp, erreurs_csp
    assert PreferencesUtilisateur.objects.get(utilisateur__username="elu").frequence_resume == "aucun"

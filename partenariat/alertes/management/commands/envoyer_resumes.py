"""Queue the email digests due today, for the worker (`manage.py db_worker`); meant for cron or a systemd timer."""

import datetime
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partenariat.alertes.resumes import a_envoyer, envoyer_resume
from partenariat.alertes.tasks import envoyer_resume_tache
from partenariat.commun.dates import date_courte


class Command(BaseCommand):
    help = "Met en file les résumés par courriel dus (un par personne et par période) ; sans effet s'ils sont partis."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = _(
            "Met en file les résumés par courriel dus (un par personne et par période) ; sans effet s'ils sont partis."
        )
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Date de référence des alertes (AAAA-MM-JJ), aujourd'hui par défaut.")
        parser.add_argument("--utilisateur", action="append", default=[], help="Seulement ce compte (répétable).")
        parser.add_argument(
            "--maintenant",
            action="store_true",
            help="Préparer et envoyer dans ce processus, sans passer par le travailleur.",
        )

    def handle(self, *args, date=None, utilisateur=(), maintenant=False, **options):
        try:
            au = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            message = _("La date « %(date)s » n'est pas valide : utilisez le format AAAA-MM-JJ.") % {"date": date}
            raise CommandError(message) from None
        lot = uuid.uuid4().hex
        dus = [(u, f, p) for u, f, p in a_envoyer(au) if not utilisateur or u.get_username() in utilisateur]
        for user, frequence, periode in dus:
            if maintenant:
                resume = envoyer_resume(user, frequence, au, periode, lot=lot)
                etat = resume.get_etat_display() if resume else _("déjà pris")
                self.stdout.write(f"{user.get_username()} : {etat}")
            else:
                envoyer_resume_tache.enqueue(user.pk, frequence, periode.isoformat(), au.isoformat(), lot)
        if maintenant:
            message = ngettext(
                "%(n)s résumé traité pour les alertes du %(date)s.",
                "%(n)s résumés traités pour les alertes du %(date)s.",
                len(dus),
            )
        else:
            message = ngettext(
                "%(n)s résumé mis en file pour les alertes du %(date)s (manage.py db_worker l'envoie).",
                "%(n)s résumés mis en file pour les alertes du %(date)s (manage.py db_worker les envoie).",
                len(dus),
            )
        self.stdout.write(message % {"n": len(dus), "date": date_courte(au)})

"""`manage.py creer_jeton <identifiant> [--portee lecture|ecriture] [--duree 30]`: an API token printed once.

For scripts and servers set up without a browser; a person creates theirs on /comptes/jetons/.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from partenariat.api.jetons import DUREES_JOURS, creer_jeton
from partenariat.api.models import Portee


class Command(BaseCommand):
    help = "Crée un jeton d'API pour un compte et l'affiche (une seule fois)."

    def add_arguments(self, parser):
        parser.add_argument("identifiant", help="Identifiant du compte.")
        parser.add_argument("--portee", choices=Portee.values, default=Portee.LECTURE)
        parser.add_argument("--duree", type=int, choices=DUREES_JOURS, default=DUREES_JOURS[0], help="En jours.")
        parser.add_argument("--nom", default="Jeton créé en ligne de commande")

    def handle(self, *args, identifiant, portee, duree, nom, **options):
        try:
            user = get_user_model().objects.get(username=identifiant)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Aucun compte « {identifiant} ».") from None
        try:
            _jeton, secret = creer_jeton(user, nom, portee, duree)
        except PermissionDenied as refus:
            raise CommandError(str(refus)) from None
        self.stdout.write(secret)

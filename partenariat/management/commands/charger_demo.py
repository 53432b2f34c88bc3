"""`manage.py charger_demo`: the protocol's facts, the roles and the demo data, in one idempotent run."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partenariat.demo import MOT_DE_PASSE_DEMO, charger_demo


class Command(BaseCommand):
    help = gettext_lazy(
        "Charge les faits du protocole-cadre du 27 juin 2012, les rôles et des données de démonstration. "
        "Sans effet sur ce qui est déjà présent : la commande peut être relancée."
    )

    def handle(self, *args, **options):
        bilan = charger_demo()
        for ligne in bilan.lignes():
            self.stdout.write(ligne)
        if bilan.total_crees:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Données de démonstration chargées. Comptes : elu, uesl, secretariat-lyon, admin "
                        "(mot de passe « %(mot_de_passe)s » à la création)."
                    )
                    % {"mot_de_passe": MOT_DE_PASSE_DEMO}
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(_("Tout était déjà chargé : aucune donnée créée.")))

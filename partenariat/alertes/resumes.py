"""Email digests: once per person and period, what is new or changed for what they follow or are responsible for.

A digest compares the alerts of today with those it reported last time (new ones, resolved ones), and adds what
happened since: achievements of theirs validated or returned, achievements validated in what they follow, items
waiting for their validation. Nothing new: nothing is sent. The row of the period is taken before sending, so that
two runs never send it twice; a failed send leaves it to be taken again by the next run.
"""

import datetime
import email.policy
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engagements.avancement import EtatRealisation
from engagements.models import Realisation
from partenariat.commun.dates import date_courte
from partenariat.models import FrequenceResume, PreferencesUtilisateur

from .calcul import NATIONALE, Texte, calculer_alertes
from .models import EtatResume, Resume
from .services import alertes_de, ouvre_la_file, portee_de, url_absolue

journal = logging.getLogger(__name__)

SEL_DESABONNEMENT = "partenariat.alertes.desabonnement"
# A digest lists at most this many entries per section; the rest is one link away.
MAX_PAR_SECTION = 50
# A digest being prepared by a worker that stopped (killed, machine restarted) is taken again after this delay.
DELAI_REPRISE = datetime.timedelta(minutes=15)
DUREES = {FrequenceResume.QUOTIDIEN: datetime.timedelta(days=1), FrequenceResume.HEBDOMADAIRE: datetime.timedelta(7)}


def periode_de(frequence, jour):
    """The period a digest belongs to: its day, or the Monday of its week."""
    if frequence == FrequenceResume.HEBDOMADAIRE:
        return jour - datetime.timedelta(days=jour.weekday())
    return jour


def destinataires():
    """Active people who chose a digest and gave an address."""
    return (
        get_user_model()
        .objects.filter(is_active=True, preferences__frequence_resume__in=list(DUREES))
        .exclude(email="")
        .select_related("preferences")
        .order_by("pk")
    )


def jeton_desabonnement(user):
    """The same link in every digest of a person (no timestamp: a link from an old email still works)."""
    return signing.Signer(salt=SEL_DESABONNEMENT).sign_object(user.pk)


def lire_jeton_desabonnement(jeton):
    """The person a link unsubscribes, or None for a forged or damaged link."""
    try:
        pk = signing.Signer(salt=SEL_DESABONNEMENT).unsign_object(jeton)
    except (signing.BadSignature, ValueError, UnicodeDecodeError):  # a signed value that is not one of ours
        return None
    return get_user_model().objects.filter(pk=pk).first() if isinstance(pk, int) else None


@dataclass
class Entree:
    texte: str
    lien: str = ""


@dataclass
class Section:
    titre: str
    entrees: list = field(default_factory=list)
    reste: int = 0
    lien_reste: str = ""


@dataclass
class ContenuResume:
    sections: list
    alertes: list  # [[clé, texte, genre]] of today's alerts (Texte.en_json): the next digest's starting point

    @property
    def nb_entrees(self):
        return sum(len(s.entrees) + s.reste for s in self.sections)

    @property
    def vide(self):
        return self.nb_entrees == 0


def _section(titre, elements, entree, lien_reste=""):
    """At most `MAX_PAR_SECTION` entries, written only for those: a first digest of UESL staff counts thousands."""
    montrees = [entree(element) for element in elements[:MAX_PAR_SECTION]]
    return Section(titre, montrees, max(0, len(elements) - MAX_PAR_SECTION), lien_reste)


def resume_precedent(user, sauf=None):
    resumes = Resume.objects.filter(utilisateur=user, etat__in=(EtatResume.ENVOYE, EtatResume.RIEN))
    if sauf is not None:
        resumes = resumes.exclude(pk=sauf.pk)
    return resumes.order_by("-modifie_le").first()


# The last run's national alerts in this process: unpickling them from the cache for each digest would cost more
# than filtering them.
_DERNIER_LOT = {}


def alertes_nationales(au, file_validation, lot):
    """Every alert on `au`, computed once per run of the digests (`lot`) and filtered for each person: kept in this
    process, and in the cache for the run's other workers."""
    cle = f"alertes:nationales:{lot}:{au.isoformat()}:{int(file_validation)}"
    if cle not in _DERNIER_LOT:
        alertes = cache.get_or_set(
            cle, lambda: calculer_alertes(au, NATIONALE, file_validation=file_validation), 15 * 60
        )
        if not any(k.startswith(f"alertes:nationales:{lot}:") for k in _DERNIER_LOT):
            _DERNIER_LOT.clear()  # a new run: the previous one's alerts are stale
        _DERNIER_LOT[cle] = alertes
    return _DERNIER_LOT[cle]


def construire_resume(user, au, depuis, precedentes, maintenant=None, lot=None):
    """The digest of `user` for alerts on `au` and what happened between `depuis` and `maintenant`.

    `precedentes`: {clé: Texte} of the alerts the previous digest reported; `lot`: the run, whose national
    alerts are computed once for all its digests.
    """
    maintenant = maintenant or timezone.now()
    portee = portee_de(user)
    if lot:
        alertes = [a for a in alertes_nationales(au, ouvre_la_file(user), lot) if portee.concerne(a)]
    else:
        alertes = alertes_de(user, au)
    actuelles = {a.cle: a for a in alertes}
    lien_alertes = url_absolue(reverse("alertes:alerte_list"))
    sections = []

    nouvelles = [a for a in alertes if a.cle not in precedentes]
    if nouvelles:
        sections.append(
            _section(
                _("Nouvelles alertes"),
                nouvelles,
                lambda a: Entree(f"[{a.gravite_libelle}] {a.libelle}", url_absolue(a.lien)),
                lien_alertes,
            )
        )
    levees = [texte for cle, texte in precedentes.items() if cle not in actuelles]
    if levees:
        sections.append(_section(_("Alertes levées"), levees, lambda texte: Entree(str(texte)), lien_alertes))

    periode = Q(examinee_le__gt=depuis, examinee_le__lte=maintenant)
    examinees = (
        Realisation.objects.filter(periode, Q(saisi_par=user) | Q(modifie_par=user))
        .filter(etat__in=(EtatRealisation.VALIDEE, EtatRealisation.RENVOYEE))
        .select_related("objectif__aire")
        .order_by("examinee_le", "pk")
    )
    entrees = []
    for realisation in examinees:
        objectif = realisation.objectif
        valeurs = {
            "aire": objectif.aire.nom,
            "dispositif": objectif.get_dispositif_display(),
            "annee": objectif.annee,
            "quantite": realisation.quantite,
            "date": date_courte(realisation.date),
            "commentaire": realisation.commentaire_examen,
        }
        if realisation.etat == EtatRealisation.VALIDEE:
            texte = _("Validée : %(aire)s — %(dispositif)s %(annee)s, %(quantite)s au %(date)s.") % valeurs
        else:
            texte = (
                _(
                    "Renvoyée : %(aire)s — %(dispositif)s %(annee)s, %(quantite)s au %(date)s. "
                    "Motif : « %(commentaire)s »"
                )
                % valeurs
            )
        lien = reverse("engagements:realisation_detail", args=[realisation.pk])
        entrees.append(Entree(texte, url_absolue(lien)))
    if entrees:
        sections.append(_section(_("Vos réalisations examinées"), entrees, lambda entree: entree))

    if not portee.nationale and portee.aires:
        validees = (
            Realisation.objects.filter(periode, etat=EtatRealisation.VALIDEE, objectif__aire__in=portee.aires)
            .order_by()
            .values("objectif__aire__code", "objectif__aire__nom")
            .annotate(n=Count("pk"), total=Sum("quantite"))
            .order_by("objectif__aire__code")
        )
        entrees = [
            Entree(
                ngettext(
                    "%(nom)s (%(code)s) : %(n)s réalisation validée (%(total)s au total).",
                    "%(nom)s (%(code)s) : %(n)s réalisations validées (%(total)s au total).",
                    ligne["n"],
                )
                % {
                    "nom": ligne["objectif__aire__nom"],
                    "code": ligne["objectif__aire__code"],
                    "n": ligne["n"],
                    "total": ligne["total"],
                },
                url_absolue(reverse("aires_urbaines:aire_detail", args=[ligne["objectif__aire__code"]])),
            )
            for ligne in validees
        ]
        if entrees:
            sections.append(_section(_("Changements dans ce que vous suivez"), entrees, lambda entree: entree))

    if ouvre_la_file(user):
        a_valider = Realisation.objects.filter(etat=EtatRealisation.SOUMISE).exclude(
            Q(saisi_par=user) | Q(modifie_par=user)
        )
        if portee is not NATIONALE:
            a_valider = portee.filtrer_aires(a_valider, "objectif__aire", "objectif__conference")
        nouvelles_soumises = a_valider.filter(soumise_le__gt=depuis, soumise_le__lte=maintenant).count()
        if nouvelles_soumises:
            total = a_valider.count()
            texte = ngettext(
                "%(n)s nouvelle réalisation attend votre validation (%(total)s en attente en tout).",
                "%(n)s nouvelles réalisations attendent votre validation (%(total)s en attente en tout).",
                nouvelles_soumises,
            ) % {"n": nouvelles_soumises, "total": total}
            sections.append(
                Section(_("En attente de votre validation"), [Entree(texte, url_absolue(reverse("validation:file")))])
            )
    return ContenuResume(sections, [[a.cle, a.texte.en_json(), a.genre] for a in alertes])


# RFC 5322 allows header lines of 998 characters; folded at 78, a long unsubscribe URL (one word) would be sent
# as RFC 2047 encoded words, which mail clients do not read in List-Unsubscribe.
POLITIQUE_COURRIEL = email.policy.default.clone(max_line_length=998)


class Courriel(EmailMultiAlternatives):
    def message(self, *, policy=POLITIQUE_COURRIEL):
        return super().message(policy=policy)


def _message(user, contenu, au):
    desabonnement = url_absolue(reverse("desabonnement", args=[jeton_desabonnement(user)]))
    contexte = {
        "utilisateur": user,
        "contenu": contenu,
        "au": au,
        "lien_alertes": url_absolue(reverse("alertes:alerte_list")),
        "lien_preferences": url_absolue(reverse("preferences")),
        "lien_desabonnement": desabonnement,
    }
    sujet = ngettext(
        "Suivi du protocole : %(n)s nouveauté au %(date)s",
        "Suivi du protocole : %(n)s nouveautés au %(date)s",
        contenu.nb_entrees,
    ) % {"n": contenu.nb_entrees, "date": date_courte(au)}
    message = Courriel(
        subject=sujet,
        body=render_to_string("alertes/courriel_resume.txt", contexte),
        to=[user.email],
        headers={
            # RFC 2369 and RFC 8058: mail clients offer their own one-click unsubscribe button.
            "List-Unsubscribe": f"<{desabonnement}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("alertes/courriel_resume.html", contexte), "text/html")
    return message


def _prendre(user, frequence, periode, au):
    """Take the period's row for this run, or None when it is sent, found empty or being prepared elsewhere."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                resume, cree = Resume.objects.get_or_create(
                    utilisateur=user, frequence=frequence, periode=periode, defaults={"au": au}
                )
        except IntegrityError:  # another worker created it at the same instant
            return None
        resume = Resume.objects.select_for_update().get(pk=resume.pk)
        if not cree:
            if resume.etat in (EtatResume.ENVOYE, EtatResume.RIEN):
                return None
            if (
                resume.etat == EtatResume.EN_COURS
                and resume.tentatives
                and resume.modifie_le > timezone.now() - DELAI_REPRISE
            ):
                return None
        resume.etat, resume.au = EtatResume.EN_COURS, au
        resume.tentatives += 1
        resume.save()
    return resume


def envoyer_resume(user, frequence=None, au=None, periode=None, lot=None):
    """Build and send the digest of `user` for the period of `au` (today by default), once.

    Returns the digest's row (its state says what happened), or None when there was nothing to do.
    """
    au = au or timezone.localdate()
    if frequence is None:
        frequence = PreferencesUtilisateur.objects.get(utilisateur=user).frequence_resume
    periode = periode or periode_de(frequence, au)
    resume = _prendre(user, frequence, periode, au)
    if resume is None:
        return None
    precedent = resume_precedent(user, sauf=resume)
    depuis = precedent.modifie_le if precedent else timezone.now() - DUREES.get(frequence, datetime.timedelta(1))
    precedentes = {cle: Texte.depuis_json(texte) for cle, texte, *_reste in (precedent.alertes if precedent else [])}
    langue = getattr(getattr(user, "preferences", None), "langue", "") or settings.LANGUAGE_CODE
    with translation.override(langue):
        contenu = construire_resume(user, au, depuis, precedentes, lot=lot)
        resume.alertes, resume.nb_entrees = contenu.alertes, contenu.nb_entrees
        if contenu.vide:
            resume.etat = EtatResume.RIEN
            resume.save()
            return resume
        message = _message(user, contenu, au)
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as erreur:
        # Left to the next run: the row says "to take again", the alerts it would have reported are not recorded.
        journal.warning("Résumé de %s non envoyé : %s", user.get_username(), erreur)
        resume.etat, resume.erreur, resume.alertes = EtatResume.ECHEC, str(erreur)[:2000], []
        resume.save()
        return resume
    resume.etat, resume.erreur, resume.envoye_le = EtatResume.ENVOYE, "", timezone.now()
    resume.save()
    return resume


def a_envoyer(au):
    """(person, frequency, period) of every digest due for `au` and not yet sent or found empty."""
    faits = set(
        Resume.objects.filter(
            etat__in=(EtatResume.ENVOYE, EtatResume.RIEN), periode__gte=au - datetime.timedelta(days=7)
        ).values_list("utilisateur_id", "frequence", "periode")
    )
    for user in destinataires():
        frequence = user.preferences.frequence_resume
        periode = periode_de(frequence, au)
        if (user.pk, frequence, periode) not in faits:
            yield user, frequence, periode

"""A conference's meetings as an iCalendar feed (RFC 5545), written by hand: the format is small and fixed."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from partenariat.commun.textes import remplacer_controles

PRODID = "-//Suivi du protocole-cadre Action Logement//Conférences territoriales//FR"


def echapper(texte):
    """TEXT values: backslash, semicolon, comma and line breaks are escaped (RFC 5545, 3.3.11).

    TEXT holds no control character: rows stored before input was checked may, so other tools' line breaks become
    escaped line breaks, a tab a space, and any other control character is dropped.
    """
    texte = str(texte).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    texte = remplacer_controles(texte, remplacement="")
    return texte.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def plier(ligne):
    """Content lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 character."""
    morceaux, courant, taille = [], "", 0
    for caractere in ligne:
        octets = len(caractere.encode("utf-8"))
        limite = 75 if not morceaux else 74  # continuation lines start with a space
        if taille + octets > limite:
            morceaux.append(courant)
            courant, taille = "", 0
        courant += caractere
        taille += octets
    morceaux.append(courant)
    return "\r\n ".join(morceaux)


def calendrier_reunions(conference, reunions, domaine, maintenant=None):
    """VCALENDAR text with one all-day VEVENT per meeting; UIDs are stable so calendars update, not duplicate."""
    horodatage = (maintenant or timezone.now()).astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lignes = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{echapper(conference.nom)}",
    ]
    for reunion in reunions:
        description = "\n\n".join(
            partie
            for partie in (
                _("Ordre du jour :\n%(texte)s") % {"texte": reunion.ordre_du_jour} if reunion.ordre_du_jour else "",
                _("Participants :\n%(texte)s") % {"texte": reunion.participants} if reunion.participants else "",
            )
            if partie
        )
        lignes += [
            "BEGIN:VEVENT",
            f"UID:reunion-{reunion.pk}@{domaine}",
            f"DTSTAMP:{horodatage}",
            f"DTSTART;VALUE=DATE:{reunion.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{reunion.date + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{echapper(_('Réunion — %(conference)s') % {'conference': conference.nom})}",
        ]
        if reunion.lieu:
            lignes.append(f"LOCATION:{echapper(reunion.lieu)}")
        if description:
            lignes.append(f"DESCRIPTION:{echapper(description)}")
        lignes.append("END:VEVENT")
    lignes.append("END:VCALENDAR")
    return "".join(plier(ligne) + "\r\n" for ligne in lignes)

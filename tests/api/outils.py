"""Tokens and calls of the API tests."""

import json

from partenariat.api.jetons import creer_jeton
from partenariat.api.models import Portee


def jeton(user, portee=Portee.ECRITURE, duree=30):
    """The secret of a new token of `user` (a write token when the role allows it, else a read one)."""
    from partenariat.api.jetons import peut_ecrire

    if portee == Portee.ECRITURE and not peut_ecrire(user):
        portee = Portee.LECTURE
    return creer_jeton(user, "essai", portee, duree)[1]


def entetes(secret, **autres):
    return {"Authorization": f"Bearer {secret}", **autres} if secret else dict(autres)


def appel(client, methode, url, secret=None, donnees=None, **entetes_http):
    """One JSON call; returns the response with `.corps` (the decoded JSON body, or None)."""
    kwargs = {"headers": entetes(secret, **entetes_http)}
    if donnees is not None:
        kwargs.update(data=json.dumps(donnees), content_type="application/json")
    reponse = getattr(client, methode)(url, **kwargs)
    try:
        reponse.corps = json.loads(reponse.content) if reponse.content else None
    except ValueError:
        reponse.corps = None
    return reponse

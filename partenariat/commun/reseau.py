"""The address of the person behind the reverse proxies, for login throttling (AXES_CLIENT_IP_CALLABLE) and the API.

Behind nginx, REMOTE_ADDR is nginx's own address: throttling by it would lock everyone out together.
"""

import ipaddress

from django.conf import settings


def adresse_client(request):
    """The client's address: the NOMBRE_PROXYS-th entry from the right of X-Forwarded-For behind proxies.

    Each trusted proxy appends the address it saw, so only the last NOMBRE_PROXYS entries are ours; whatever lies
    further left was sent by the client and may be forged (the left-most entry when the header is shorter). Used by
    login throttling and by the API's anonymous rate (partenariat.api.authentification), so both see one person.
    REMOTE_ADDR without proxy, without the header, from a peer that is not a trusted proxy (PROXYS_DE_CONFIANCE),
    or when the entry is not an IP address.
    """
    adresse_socket = request.META.get("REMOTE_ADDR")
    nombre = getattr(settings, "NOMBRE_PROXYS", 1)
    transmise = request.META.get("HTTP_X_FORWARDED_FOR")
    if not getattr(settings, "BEHIND_PROXY", False) or nombre < 1 or not transmise:
        return adresse_socket
    # Only our own proxy's header counts: a client reaching the server directly sends what it likes.
    if adresse_socket not in getattr(settings, "PROXYS_DE_CONFIANCE", ("127.0.0.1", "::1")):
        return adresse_socket
    entrees = transmise.split(",")
    try:
        adresse = ipaddress.ip_address(entrees[-min(nombre, len(entrees))].strip())
    except ValueError:
        return adresse_socket
    # One spelling per address (2001:DB8::1 and 2001:db8::1, ::ffff:192.0.2.1 and 192.0.2.1): one count each.
    if isinstance(adresse, ipaddress.IPv6Address) and adresse.ipv4_mapped:
        adresse = adresse.ipv4_mapped
    return str(adresse)

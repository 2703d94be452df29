"""Request types for views, and the client's address."""

import functools
import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """What views see: django-htmx's middleware sets ``request.htmx`` on every request."""

    htmx: HtmxDetails


# --- the client's address -----------------------------------------------------------------


@functools.cache
def _trusted(
    networks: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_ip(request: Any, *args: Any) -> str | None:
    """The address of the client that sent ``request``: the one function the audit trail,
    the access log, the login throttle and every rate limit use.

    ``REMOTE_ADDR`` unless it is one of ``settings.FULIAN_TRUSTED_PROXIES`` (addresses or
    networks); then ``X-Forwarded-For`` is read from the right, skipping trusted proxies,
    and the first address not trusted is the client. A header sent by anyone else is
    ignored, so a client cannot name its own address. (Extra positional arguments let
    django-axes call it as ``AXES_CLIENT_IP_CALLABLE``.)
    """
    if request is None:
        return None
    meta = getattr(request, "META", {})
    remote = _address(meta.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    trusted = _trusted(tuple(settings.FULIAN_TRUSTED_PROXIES))

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address.version == n.version and address in n for n in trusted)

    client = remote
    if is_trusted(remote):
        hops = [h for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # a malformed hop: keep the last good one
            client = address
            if not is_trusted(address):
                break
    return str(client)

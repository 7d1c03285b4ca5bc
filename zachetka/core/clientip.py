"""The address of the person a request came from: the one answer that the audit trail, the
public verification throttle, the log-in lock-out (django-axes) and the password-reset limit
all use.

Behind a reverse proxy every request arrives from the proxy's own address, so each visitor's
wrong guesses would count against everyone. The proxy reports the visitor in X-Forwarded-For;
that header is believed only when REMOTE_ADDR is one of TRUSTED_PROXIES (a setting), and then
only as far as trusted proxies wrote it: walking the list from the right, the first address
that is not itself a trusted proxy is the client. Anything further left was sent by the
client and could be anything it liked.
"""

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """Addresses and CIDR blocks («10.0.0.5», «10.0.0.0/8», «::1») as networks."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"ZACHETKA_TRUSTED_PROXIES: «{entry}» is neither an address nor a CIDR block."
            ) from error
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(entries)


def _address(text: str) -> Address | None:
    """An address from a header entry, with a port or IPv6 brackets tolerated («[::1]:443»)."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has several colons
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:1.2.3.4) is the IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, trusted: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)


def client_ip(request: Any) -> str:
    """The client's address: REMOTE_ADDR, or the proxy's report of it when REMOTE_ADDR is a
    trusted proxy; "" when unknown."""
    remote_text = request.META.get("REMOTE_ADDR", "") or ""
    trusted = _trusted(tuple(settings.TRUSTED_PROXIES))
    remote = _address(remote_text)
    if remote is None:
        return remote_text[:45]
    if not trusted or not _is_trusted(remote, trusted):
        return str(remote)
    client = remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not something a trusted proxy writes: stop at the last hop that one did write.
            break
        client = address
        if not _is_trusted(address, trusted):
            break
    return str(client)


def axes_client_ip(request: Any) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same address, None when unknown (its columns
    are IP address fields, where an empty string is not a value)."""
    return client_ip(request) or None

"""Log-in lock-outs (django-axes) that an attacker cannot turn against the people they target.

- A user name is locked only together with the address the wrong passwords came from, after
  AXES_FAILURE_LIMIT failures within AXES_COOLOFF_TIME: someone guessing the director's
  password locks out their own address, and the director still logs in from any other.
- An address that fails LOGIN_ADDRESS_FAILURE_LIMIT times across user names (password
  spraying: a few guesses at many accounts) is locked for every user name.
- Each failure goes to axes' failure log, which is kept bounded: the newest
  LOGIN_FAILURE_LOG_SIZE entries, at most AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT per user name.

The address is the one `core.clientip` finds (AXES_CLIENT_IP_CALLABLE), so behind a reverse
proxy each visitor has their own.
"""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

PAIR = ["username", "ip_address"]


def address_failures(address: str) -> int:
    """Failed log-ins from an address, under any user name, within the cool-off period."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


def lockout_parameters(request_or_attempt: Any, credentials: dict | None = None) -> list[Any]:
    """AXES_LOCKOUT_PARAMETERS: what a lock applies to.

    axes counts failures for each entry and locks when any count reaches AXES_FAILURE_LIMIT.
    The (user name, address) pair is always an entry. The address alone becomes one once it has
    failed LOGIN_ADDRESS_FAILURE_LIMIT times: its count is then above the pair's limit, so it is
    locked for every user name until the cool-off passes.
    """
    address = getattr(request_or_attempt, "axes_ip_address", None) or getattr(
        request_or_attempt, "ip_address", None
    )
    if address and address_failures(address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return [PAIR, "ip_address"]
    return [PAIR]


class LoginFailureHandler(AxesDatabaseHandler):
    """axes' database handler, with the failure log trimmed to its newest entries.

    axes' own trimming keeps the oldest entries of a user name and drops each new one once the
    limit is reached, and has no limit across user names; a security log wants the newest."""

    def remove_out_of_limit_failure_logs(self, *, username: str, limit: int | None = None) -> int:
        per_user = settings.AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT if limit is None else limit
        removed = _keep_newest(AccessFailureLog.objects.filter(username=username), per_user)
        return removed + _keep_newest(AccessFailureLog.objects.all(), settings.LOGIN_FAILURE_LOG_SIZE)


def _keep_newest(entries: Any, keep: int) -> int:
    """Delete all but the `keep` newest entries (ids grow with time)."""
    keep = max(keep, 1)
    oldest_kept = list(entries.order_by("-pk").values_list("pk", flat=True)[keep - 1 : keep])
    if not oldest_kept:
        return 0
    removed, _ = entries.filter(pk__lt=oldest_kept[0]).delete()
    return removed

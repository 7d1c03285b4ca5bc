"""Writes of the staff interface that belong to no domain app: the password-reset allowance."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from zachetka.web.models import PasswordResetRequest

logger = logging.getLogger(__name__)
WINDOW = dt.timedelta(hours=1)


def email_key(email: str) -> str:
    return salted_hmac("zachetka.password_reset", email.strip().casefold(), algorithm="sha256").hexdigest()


@transaction.atomic
def take_password_reset(*, ip_address: str, email: str) -> bool:
    """Count one password-reset e-mail against the hourly allowance of the asking address and
    of the e-mail address; False, with nothing counted, when either is used up.

    Counted in the database rather than in a per-process cache, so every worker and server
    shares one allowance and a restart does not renew it. Only e-mails allowed are counted:
    an address refused cannot extend its own wait. Limiting an account's e-mails cannot lock
    its owner out of a reset: the links already sent this hour stay valid for
    PASSWORD_RESET_TIMEOUT."""
    now = timezone.now()
    PasswordResetRequest.objects.filter(at__lt=now - WINDOW).delete()
    key = email_key(email)
    limit = settings.PASSWORD_RESETS_PER_HOUR
    recent = PasswordResetRequest.objects.filter(at__gte=now - WINDOW)
    if recent.filter(ip_address=ip_address).count() >= limit:
        logger.warning("Password reset not sent: address %s used its hourly allowance", ip_address)
        return False
    if recent.filter(email_key=key).count() >= limit:
        logger.warning("Password reset not sent: an e-mail address used its hourly allowance")
        return False
    PasswordResetRequest.objects.create(at=now, ip_address=ip_address, email_key=key)
    return True

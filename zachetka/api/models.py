"""Tokens of the systems that use the API (an LMS, HR or accounting) and the keys of their writes."""

import hashlib

from django.conf import settings
from django.db import models

from zachetka.core import dbroles

# A token reads «zk_<prefix>.<secret>»: the prefix finds the row, the whole token is hashed.
TOKEN_START = "zk_"  # noqa: S105 - the visible start of every token, not a secret


def token_hash(token: str) -> str:
    """SHA-256 of a token: the token is 256 random bits, so a slow password hash adds nothing."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """One integration's credentials: acts as `user`, with that user's roles and scope."""

    name = models.CharField("название интеграции", max_length=100, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="api_tokens", verbose_name="действует как"
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField("выпущен", auto_now_add=True)
    created_by = models.CharField("кем выпущен", max_length=150, blank=True)
    revoked_at = models.DateTimeField("отозван", null=True, blank=True)
    # Updated at most once a minute (authentication.TOUCH_EVERY): no write on every request.
    last_used_at = models.DateTimeField("последнее использование", null=True, blank=True)

    # A token is revoked, never deleted: the audit trail names it.
    DB_WRITES = dbroles.updates_only("revoked_at", "last_used_at")

    class Meta:
        ordering = ["name"]
        verbose_name = "токен API"
        verbose_name_plural = "токены API"

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IdempotencyKey(models.Model):
    """A client's key of one write request and the answer it got: the same request sent again
    (a retry after a lost answer) gets the stored answer instead of a second write."""

    token = models.ForeignKey(ApiToken, models.PROTECT, related_name="idempotency_keys")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=200)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "ключ идемпотентности"
        verbose_name_plural = "ключи идемпотентности"
        constraints = [
            # Concurrent requests with one key wait on this index for the first to finish.
            models.UniqueConstraint(fields=["token", "key"], name="api_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.token_id}:{self.key}"

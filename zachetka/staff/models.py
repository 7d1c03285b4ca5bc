"""Staff accounts as the organisation keeps them: a Django user (name, e-mail, login, role
groups) and its profile (post, deactivation). Accounts are deactivated, never deleted: grades,
protocols and the audit trail name them."""

from django.conf import settings
from django.db import models

from zachetka.core import dbroles


class StaffProfile(models.Model):
    """What the organisation knows of a staff member beyond the account: post and status."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="staff_profile", verbose_name="учётная запись"
    )
    post = models.CharField("должность", max_length=150, blank=True)
    deactivated_at = models.DateTimeField("деактивирован", null=True, blank=True)
    deactivation_reason = models.CharField("причина деактивации", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    DB_WRITES = dbroles.NEVER_DELETED

    class Meta:
        verbose_name = "сотрудник"
        verbose_name_plural = "сотрудники"

    def __str__(self) -> str:
        return f"{self.user.last_name} {self.user.first_name}".strip() or self.user.username

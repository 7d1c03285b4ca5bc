from django.db import models


class PasswordResetRequest(models.Model):
    """A password-reset e-mail sent, kept for an hour to count against the hourly allowance of
    the address that asked and of the e-mail address (settings.PASSWORD_RESETS_PER_HOUR).

    The e-mail address is kept only as a keyed hash: the table holds no addresses that
    strangers typed, yet tells two requests for one address apart."""

    at = models.DateTimeField(db_index=True)
    ip_address = models.CharField(max_length=45, db_index=True)
    email_key = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = "запрос восстановления пароля"
        verbose_name_plural = "запросы восстановления пароля"

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.ip_address}"

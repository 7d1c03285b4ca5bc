from django.contrib import admin

from zachetka.core.admin import ReadOnlyAdmin
from zachetka.privacy.models import Consent, Disclosure, Recipient, RecipientAccount, Withdrawal


@admin.register(Recipient)
class RecipientAdmin(ReadOnlyAdmin):
    """Recipients, consents and disclosures change only through the privacy pages (audited)."""

    list_display = ("name", "kind", "inn", "address")
    search_fields = ("name", "inn")


@admin.register(RecipientAccount)
class RecipientAccountAdmin(admin.ModelAdmin):
    """Which organisation a «Представитель организации» account represents (give the user that
    role too): the only link the administration sets here."""

    list_display = ("user", "recipient")
    autocomplete_fields = ("user",)


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("pk", "learner", "recipient", "version", "valid_from", "valid_to", "signed_on")


@admin.register(Withdrawal)
class WithdrawalAdmin(ReadOnlyAdmin):
    list_display = ("consent", "received_on", "closed_at")


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyAdmin):
    list_display = ("given_at", "learner", "recipient", "channel", "consent", "legal_ground")

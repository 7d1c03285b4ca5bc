"""Pages of consents, withdrawals and disclosures (the registry and the administration)."""

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zachetka.achievements.services import evidence_type
from zachetka.core import access, names
from zachetka.core.forms import add_service_errors
from zachetka.people.models import Learner
from zachetka.privacy import forms, selectors, services
from zachetka.privacy.models import Consent, Disclosure, RecipientAccount, Withdrawal
from zachetka.staff import services as staff_services


def _learner(request: HttpRequest, pk: int) -> Learner:
    return get_object_or_404(Learner.objects.visible_to(request.user), pk=pk)


def _consent(request: HttpRequest, pk: int) -> Consent:
    access.require(request.user, "privacy.view_consent")
    return get_object_or_404(selectors.visible_consents(request.user), pk=pk)


def _download(file: FieldFile, stem: str) -> FileResponse:
    """A stored scan or extract: always a download, typed by its content."""
    if not file or not file.storage.exists(file.name):
        # A destruction act deletes a forgotten learner's files; the records stay.
        raise Http404("Файла нет: он не приложен или уничтожен по акту.")
    handle = file.open("rb")
    kind = evidence_type(handle.read(16))
    handle.seek(0)
    extension = kind.extension if kind else Path(file.name).suffix
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{stem}{extension}",
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def overview(request: HttpRequest) -> HttpResponse:
    """Consents, the 30-day tasks of withdrawals (due and overdue), recent disclosures."""
    access.require(request.user, "privacy.view_consent")
    return render(
        request,
        "privacy/overview.html",
        {
            "tasks": selectors.withdrawal_tasks(),
            "consents": selectors.visible_consents(request.user).order_by("-created_at")[:50],
            "disclosures": Disclosure.objects.filter(
                access.learner_scope(request.user, prefix="learner__")
            ).select_related("learner", "recipient", "given_by", "consent")[:50],
            "close_form": forms.CloseWithdrawalForm(),
        },
    )


def recipients(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "privacy.view_recipient")
    form = forms.RecipientForm(request.POST or None)
    if request.method == "POST":
        access.require(request.user, "privacy.add_recipient")
        if form.is_valid():
            try:
                recipient = services.create_recipient(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Получатель «{recipient.name}» добавлен.")
                return redirect("privacy:recipients")
    return render(request, "privacy/recipients.html", {"form": form, "recipients": selectors.recipients()})


# The link to set a password, shown once when the e-mail was not sent.
_LINK_SESSION_KEY = "representative_unsent_link"


def recipient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A recipient organisation: its representatives' accounts, a form to open one."""
    access.require(request.user, "privacy.view_recipient")
    recipient = get_object_or_404(selectors.recipients(), pk=pk)
    may_add = access.may(request.user, services.ADD_ACCOUNT)
    form = forms.RepresentativeForm(request.POST or None)
    if request.method == "POST":
        access.require(request.user, services.ADD_ACCOUNT)
        if form.is_valid():
            try:
                created = services.create_representative(
                    by=request.user, recipient=recipient, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                user = created.account.user
                said = (
                    f"Учётная запись представителя открыта: {names.user_full_name(user)}, "
                    f"логин {user.username}"
                )
                if staff_services.send_invitation(user, created.link):
                    messages.success(
                        request, f"{said}. Ссылка для установки пароля отправлена на {user.email}."
                    )
                else:
                    request.session[_LINK_SESSION_KEY] = {"user": user.pk, "link": created.link}
                    messages.warning(
                        request,
                        f"{said}; но письмо не отправлено: передайте ссылку для установки пароля сами.",
                    )
                return redirect("privacy:recipient_detail", pk=recipient.pk)
    unsent = request.session.pop(_LINK_SESSION_KEY, None)  # shown once
    may_view_accounts = access.may(request.user, "privacy.view_recipientaccount")
    return render(
        request,
        "privacy/recipient_detail.html",
        {
            "recipient": recipient,
            "accounts": selectors.recipient_accounts(recipient) if may_view_accounts else [],
            "may_view_accounts": may_view_accounts,
            "form": form if may_add else None,
            "deactivate_form": forms.DeactivateRepresentativeForm()
            if access.may(request.user, services.CHANGE_ACCOUNT)
            else None,
            "unsent_link": unsent["link"] if unsent else "",
        },
    )


@require_POST
def representative_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, services.CHANGE_ACCOUNT)
    account = get_object_or_404(RecipientAccount.objects.select_related("user", "recipient"), pk=pk)
    form = forms.DeactivateRepresentativeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Основание: укажите, почему доступ закрывается.")
        return redirect("privacy:recipient_detail", pk=account.recipient_id)
    try:
        services.deactivate_representative(
            by=request.user, account=account, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, f"Учётная запись {names.user_full_name(account.user)} деактивирована: вход закрыт."
        )
    return redirect("privacy:recipient_detail", pk=account.recipient_id)


def _consent_form_page(request: HttpRequest, learner: Learner, supersedes: Consent | None) -> HttpResponse:
    initial = {}
    if supersedes is not None:
        initial = {
            field: getattr(supersedes, field)
            for field in forms.ConsentForm.base_fields
            if field != "recipient"
        } | {"recipient": supersedes.recipient_id}
    form = forms.ConsentForm(request.POST or None, initial=initial)
    if supersedes is not None:
        form.fields["recipient"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.record_consent(
                by=request.user, learner=learner, supersedes=supersedes, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Согласие составлено: распечатайте его, дайте подписать и приложите скан подписанного.",
            )
            return redirect(consent)
    return render(
        request, "privacy/consent_form.html", {"form": form, "learner": learner, "supersedes": supersedes}
    )


def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "privacy.add_consent")
    return _consent_form_page(request, _learner(request, pk), None)


def consent_supersede(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "privacy.add_consent")
    consent = _consent(request, pk)
    return _consent_form_page(request, consent.learner, consent)


def consent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consent = _consent(request, pk)
    versions = []
    older = consent.supersedes
    while older is not None:
        versions.append(older)
        older = older.supersedes
    return render(
        request,
        "privacy/consent_detail.html",
        {
            "consent": consent,
            "learner": consent.learner,
            "versions": versions,
            "newer": getattr(consent, "superseded_by", None),
            "withdrawal": getattr(consent, "withdrawal", None),
            "scan_form": forms.ScanForm(),
            "withdrawal_form": forms.WithdrawalForm(),
            "may_change": access.may(request.user, "privacy.change_consent"),
            "may_withdraw": access.may(request.user, "privacy.add_withdrawal"),
        },
    )


def consent_form_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    consent = _consent(request, pk)
    response = HttpResponse(selectors.consent_form_pdf(consent), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="consent-{consent.pk}-v{consent.version}.pdf"'
    return response


def _post_with_scan(request: HttpRequest, form_class: type, action, success: str, pk: int) -> HttpResponse:  # noqa: ANN001
    consent = _consent(request, pk)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(
            request, " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items())
        )
        return redirect(consent)
    try:
        action(consent, form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(consent)


@require_POST
def consent_scan_attach(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "privacy.change_consent")
    return _post_with_scan(
        request,
        forms.ScanForm,
        lambda consent, data: services.attach_scan(by=request.user, consent=consent, **data),
        "Скан подписанного согласия приложен.",
        pk,
    )


@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "privacy.add_withdrawal")
    return _post_with_scan(
        request,
        forms.WithdrawalForm,
        lambda consent, data: services.withdraw(by=request.user, consent=consent, **data),
        "Отзыв согласия записан: прекратите обработку и уничтожьте данные в течение 30 дней.",
        pk,
    )


def consent_scan(request: HttpRequest, pk: int) -> FileResponse:
    consent = _consent(request, pk)
    return _download(consent.scan, f"согласие-{consent.pk}-v{consent.version}")


def withdrawal_scan(request: HttpRequest, pk: int) -> FileResponse:
    consent = _consent(request, pk)
    withdrawal = get_object_or_404(Withdrawal, consent=consent)
    return _download(withdrawal.scan, f"отзыв-согласия-{consent.pk}")


@require_POST
def withdrawal_close(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "privacy.change_withdrawal")
    withdrawal = get_object_or_404(
        Withdrawal.objects.filter(access.learner_scope(request.user, prefix="consent__learner__")), pk=pk
    )
    form = forms.CloseWithdrawalForm(request.POST)
    try:
        services.close_withdrawal(by=request.user, withdrawal=withdrawal, note=form.data.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Задача закрыта.")
    return redirect("privacy:overview")


def disclosure_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a third party an extract of the learner's data; refused without a consent in force
    covering the recipient and the data, unless a federal-law ground is named and attached."""
    access.require(request.user, "privacy.add_disclosure")
    learner = _learner(request, pk)
    form = forms.DisclosureForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["formats"] = tuple(data["formats"])
        ground: UploadedFile | None = data.pop("ground_document")
        try:
            disclosure = services.disclose(by=request.user, learner=learner, ground_document=ground, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Передача записана: {disclosure.recipient.name}, {disclosure.basis}.")
            return redirect("web:learner_detail", learner.pk)
    return render(
        request,
        "privacy/disclosure_form.html",
        {"form": form, "learner": learner, "consents": selectors.consents_of(request.user, learner)},
    )


def _disclosure(request: HttpRequest, pk: int) -> Disclosure:
    access.require(request.user, "privacy.view_disclosure")
    return get_object_or_404(
        Disclosure.objects.filter(access.learner_scope(request.user, prefix="learner__")), pk=pk
    )


def disclosure_pdf(request: HttpRequest, pk: int) -> FileResponse:
    disclosure = _disclosure(request, pk)
    return _download(disclosure.pdf, f"передача-{disclosure.pk}")


def disclosure_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    disclosure = _disclosure(request, pk)
    if not disclosure.xlsx:
        raise Http404("Файла нет.")
    response = FileResponse(
        disclosure.xlsx.open("rb"),
        as_attachment=True,
        filename=f"передача-{disclosure.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return response


def disclosure_ground(request: HttpRequest, pk: int) -> FileResponse:
    disclosure = _disclosure(request, pk)
    return _download(disclosure.ground_document, f"основание-передачи-{disclosure.pk}")

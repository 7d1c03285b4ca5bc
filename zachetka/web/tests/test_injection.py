"""Issue 16, «Under attack»: markup and spreadsheet formulas typed into every text field of every
form stay inert text wherever the site shows them.

One world; every entry point of `ENTRIES` gets a payload in each of its text fields (see
injection.py), the API's writes with an integration's token; `UPLOADS` send files (a Moodle
gradebook, a learners' file) whose cells carry payloads to their previews. Then the pages and
files of what the entries made, and every page, PDF, XLSX and ZIP of the authorization matrix,
are fetched as a role that may open them and checked: no element or handler a payload made on
pages, each payload whole as text in PDFs, no live formula in any workbook cell. Every payload
typed must be found in some output (or be exempted in `NOT_SHOWN`, with the reason), so that
an entry that silently stops reaching its outputs fails. A form class with a text field that
no entry covers (a project app's, or one a URL's view takes, like Django's password reset)
fails `test_every_text_form_is_attacked`.
"""

import csv
import io
import json
from importlib import import_module

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from zachetka.accesslog.forms import PeriodForm
from zachetka.achievements.forms import AchievementForm, RejectForm
from zachetka.api.forms import RevokeForm, TokenForm
from zachetka.archive.forms import ActForm, HoldForm
from zachetka.attestation.forms import CommissionForm
from zachetka.blanks.forms import FindForm, ReceiptForm, WriteOffForm
from zachetka.core.forms import AuditFilterForm
from zachetka.documents.forms import (
    AnnulmentForm,
    FrdoCorrectionForm,
    ReplacementForm,
    StateForm,
    VerificationCheckFilter,
    VerifyForm,
)
from zachetka.gradebook.forms import AssessmentForm, ColumnFillForm, ReasonForm
from zachetka.lms.forms import ConfirmForm
from zachetka.organization.forms import RequisitesForm
from zachetka.paper.forms import CaseForm, OriginalForm
from zachetka.people.forms import ImportUploadForm, LearnerForm
from zachetka.privacy.forms import (
    CloseWithdrawalForm,
    ConsentForm,
    DeactivateRepresentativeForm,
    DisclosureForm,
    RecipientForm,
    RepresentativeForm,
)
from zachetka.programs.forms import (
    EnrollmentBatchForm,
    EnrollmentCreateForm,
    EnrollmentForm,
    GroupForm,
    ModuleForm,
    ProgramForm,
)
from zachetka.staff.forms import (
    DeactivateForm,
    LiftLockoutForm,
    LoginFailureFilterForm,
    ScaleForm,
    StaffCreateForm,
    StaffEditForm,
)
from zachetka.web.forms import LoginForm
from zachetka.web.tests.injection import (
    FORMULAS,
    MARKER,
    TYPED,
    Entry,
    Payloads,
    Seen,
    form_values,
    page_errors,
    resolve,
    text_fields,
)
from zachetka.web.tests.test_authorization_matrix import MATRIX, ROLES, _document, _objects

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Text fields that take only a checked value (names in Cyrillic, СНИЛС, e-mail, INN, a blank's
# number): a payload there must be refused, and the entry goes on with a valid value.
PERSON = frozenset({"last_name", "first_name", "middle_name"})
LEARNER_CHECKED = PERSON | {
    "snils",
    "citizenship",
    "email",
    "phone",
    "diploma_last_name",
    "representative_phone",
    "representative_email",
    "diploma_series",
    "diploma_number",
    "representative_name",
    "representative_kind",
}


def _last_receipt_series() -> str:
    from zachetka.blanks.models import BlankReceipt

    return BlankReceipt.objects.latest("pk").series


def _as_defense(protocol):  # noqa: ANN001, ANN202
    """The matrix's draft final protocol made a defense, with a result row per learner."""
    from zachetka.attestation.models import Protocol, ProtocolResult

    protocol.final_form = Protocol.FinalForm.DEFENSE
    protocol.save(update_fields=["final_form"])
    for enrollment in protocol.group.enrollments.all():
        ProtocolResult.objects.create(protocol=protocol, enrollment=enrollment)
    return protocol


def _grade_version(assessment, enrollment) -> int:  # noqa: ANN001
    from zachetka.gradebook.models import Grade

    grade = Grade.objects.filter(assessment=assessment, enrollment=enrollment).first()
    return grade.version if grade else 0


# The learner fields the API takes as text; each takes only a checked value (people.validators).
API_LEARNER_TEXT = frozenset(
    {
        "last_name",
        "first_name",
        "middle_name",
        "snils",
        "citizenship",
        "phone",
        "diploma_last_name",
        "diploma_series",
        "diploma_number",
        "representative_name",
        "representative_kind",
        "representative_phone",
    }
)


def _learner_data(ctx: dict) -> dict:
    return {
        "last_name": "Новиков",
        "first_name": "Илья",
        "middle_name": "Ильич",
        "birth_date": "01.02.1990",
        "sex": "M",
        "citizenship": "643",
        "email": "novikov@example.ru",
        "phone": "+7 900 000-00-00",
        "diploma_last_name": "Новиков",
        "representative_phone": "",
        "representative_email": "",
        "snils": "",
    }


def _api_token(ctx: dict) -> dict:
    """An integration's token acting as the teacher (zachetka.api.authentication)."""
    return {"Authorization": f"Bearer {ctx['api_writer']}"}


def _api_registry_token(ctx: dict) -> dict:
    """An integration's token acting as the registrar (learners, programs, groups, enrolments)."""
    return {"Authorization": f"Bearer {ctx['api_registry']}"}


def _version_of(ctx: dict, key: str) -> int:
    row = ctx[key]
    row.refresh_from_db()
    return row.version


def _api_assessment_version(ctx: dict) -> int:
    ctx["api_assessment"].refresh_from_db()
    return ctx["api_assessment"].version


def _lockout(ctx: dict) -> dict:
    """The login the «login» entry typed, locked out at its address (as after its fifth failure):
    the lift form carries that login (hidden) and asks the reason."""
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.filter(username__contains=MARKER).latest("pk")
    AccessAttempt.objects.filter(pk=attempt.pk).update(failures_since_start=settings.AXES_FAILURE_LIMIT)
    return {"username": attempt.username, "ip_address": attempt.ip_address}


ENTRIES: list[Entry] = [
    # A failed log-in's login is shown on the administration's «Входы» page.
    Entry(("login", ""), (LoginForm,), user="anonymous", status=200, data=lambda ctx: {"password": "x"}),
    # Django's password reset: the address is checked (the typed one is refused on the form).
    Entry(
        ("password_reset", ""),
        (PasswordResetForm,),
        user="anonymous",
        keep=frozenset({"email"}),
        data=lambda ctx: {"email": "nobody@example.ru"},
    ),
    Entry(("people:learner_create", ""), (LearnerForm,), keep=LEARNER_CHECKED, data=_learner_data),
    Entry(
        ("people:learner_edit", "classmate"),
        (LearnerForm,),
        keep=LEARNER_CHECKED,
        data=lambda ctx: {
            **_learner_data(ctx),
            "last_name": "Петров",
            "first_name": "Пётр",
            "middle_name": "Петрович",
        },
    ),
    Entry(("programs:program_create", ""), (ProgramForm,), data=lambda ctx: {"kind": "pk", "hours": "72"}),
    # More hours, so that the module typed below fits in the program.
    Entry(("programs:program_edit", "mine_program"), (ProgramForm,), data=lambda ctx: {"hours": "200"}),
    Entry(
        ("programs:module_create", "mine_program"),
        (ModuleForm,),
        data=lambda ctx: {"order": "7", "hours": "8"},
    ),
    Entry(("programs:module_edit", "mine_module"), (ModuleForm,)),
    Entry(
        ("programs:group_create", ""),
        (GroupForm,),
        data=lambda ctx: {
            "program": ctx["mine_program"].pk,
            "starts_on": "01.09.2026",
            "ends_on": "30.11.2026",
        },
    ),
    Entry(("programs:group_edit", "mine"), (GroupForm,)),
    Entry(
        ("programs:enrollment_create", "mine"),
        (EnrollmentCreateForm,),
        data=lambda ctx: {
            "learner_id": ctx["stranger"].pk,
            "funding": "individual",
            "admission_order_date": "01.09.2026",
        },
    ),
    Entry(
        ("programs:enrollment_edit", "stranger_enrollment"),
        (EnrollmentForm,),
        keep=frozenset({"completion_order_number"}),  # only for a completed study
        data=lambda ctx: {
            "status": "expelled",
            "expulsion_order_date": "30.11.2026",
            "completion_order_number": "",
        },
    ),
    Entry(
        ("programs:enrollment_batch", "mine"),
        (EnrollmentBatchForm,),
        page=("programs:group_detail", "mine"),
        text=("order_number",),  # shown for the actions that record an order
        data=lambda ctx: {
            "action": "admission_order",
            "enrollment": [ctx["enrollments"]["classmate"].pk],
            "order_date": "01.09.2026",
            "confirm": "1",
        },
    ),
    Entry(
        ("gradebook:assessment_create", "mine_gm"),
        (AssessmentForm,),
        user="teacher",
        data=lambda ctx: {"held_on": "15.09.2026", "weight": "1", "scale": ctx["mine_assessment"].scale_id},
    ),
    Entry(("gradebook:assessment_edit", "mine_assessment"), (AssessmentForm,), user="teacher"),
    Entry(
        ("gradebook:column_fill", "mine_assessment"),
        (ColumnFillForm,),
        user="teacher",
        keep=frozenset({"value"}),
        data=lambda ctx: {"value": "5"},
        form_on_page=False,  # the grid's script draws the fill choices from the page's data
    ),
    # A grade's reason (asked for a late grade) goes in its history; the value takes a scale's value.
    Entry(
        ("gradebook:cell_save", ""),
        method="json",
        status=200,
        text=("reason",),
        user="director",
        data=lambda ctx: {
            "assessment": ctx["mine_assessment"].pk,
            "enrollment": ctx["enrollments"]["classmate"].pk,
            "value": "4",
            "version": _grade_version(ctx["mine_assessment"], ctx["enrollments"]["classmate"]),
        },
    ),
    # The API's writes, with an integration's token (no session): an assessment's title, a
    # grade's reason (the value is a checked grade).
    Entry(
        ("api:assessment_list", ""),
        method="json",
        user="anonymous",
        headers=_api_token,
        status=201,
        text=("title",),
        data=lambda ctx: {
            "group": ctx["mine"].pk,
            "module": ctx["api_assessment"].module_id,
            "held_on": "2026-11-21",
            "scale": ctx["api_assessment"].scale_id,
        },
    ),
    Entry(
        ("api:assessment_detail", "api_assessment"),
        method="patch",
        user="anonymous",
        headers=_api_token,
        status=200,
        text=("title",),
        data=lambda ctx: {"version": _api_assessment_version(ctx)},
    ),
    Entry(
        ("api:grade_cell", "api_cell"),
        method="put",
        user="anonymous",
        headers=_api_token,
        status=200,
        text=("reason",),
        data=lambda ctx: {"value": "5", "expected_version": 0},
    ),
    Entry(
        ("api:grade_bulk", ""),
        method="json",
        user="anonymous",
        headers=_api_token,
        status=200,
        text=("idempotency_key",),
        data=lambda ctx: {
            "grades": [
                {
                    "assessment": ctx["api_assessment"].pk,
                    "enrollment": ctx["enrollments"]["classmate"].pk,
                    "value": "4",
                    "expected_version": 0,
                    "reason": TYPED,
                }
            ]
        },
    ),
    Entry(
        ("organization:requisites", ""),
        (RequisitesForm,),
        user="director",
        keep=frozenset({"head_name", "secretary_name"}),
        data=lambda ctx: {
            "licence_date": "01.02.2020",
            "head_name": "Иванов Иван Иванович",
            "secretary_name": "Петрова Анна Ивановна",
        },
    ),
    Entry(
        ("attestation:commission_create", ""),
        (CommissionForm,),
        data=lambda ctx: {
            "program": ctx["mine_program"].pk,
            "order_date": "01.09.2026",
            "chair": ctx["director"].pk,
            "secretary": ctx["registrar"].pk,
            "members": [ctx["teacher"].pk],
        },
    ),
    Entry(
        ("blanks:receipt_create", ""),
        (ReceiptForm,),
        keep=frozenset({"first_number", "last_number"}),
        data=lambda ctx: {"form": "pk", "first_number": "000100", "last_number": "000109"},
    ),
    Entry(
        ("blanks:write_off_create", ""),
        (WriteOffForm,),
        keep=frozenset({"series", "first_number", "last_number"}),  # blanks of the register
        # Another year than the act the matrix's world made by hand (outside the act numbering).
        data=lambda ctx: {
            "series": _last_receipt_series(),
            "first_number": "000101",
            "last_number": "",
            "made_on": "30.12.2025",
        },
    ),
    Entry(("blanks:stock", ""), (FindForm,), method="get", status=200),
    # A final work's topic, typed per learner on the protocol's page (no form class: the page's
    # script packs the fields; without it they come one by one, as here).
    Entry(
        ("attestation:protocol_detail", "defense_protocol"),
        user="director",
        data=lambda ctx: {
            f"topic-{ctx['enrollments']['classmate'].pk}": TYPED,
            f"value-{ctx['enrollments']['classmate'].pk}": "5",
        },
    ),
    # A document of its own (mine_document is destroyed below): the lost original and its
    # duplicate show the reason.
    Entry(
        ("documents:document_duplicate", "dup_document"),
        (ReplacementForm,),
        page=("documents:document_detail", "dup_document"),
        keep=frozenset({"series", "number"}),  # a blank in stock: one received above
        data=lambda ctx: {
            "series": _last_receipt_series(),
            "number": "000102",
            "issued_on": f"{timezone.localdate():%d.%m.%Y}",
        },
    ),
    # A revoked document, which the registry's templates cannot report: corrected by hand.
    Entry(
        ("documents:frdo_correction", "revoked_document"),
        (FrdoCorrectionForm,),
        page=("documents:frdo", ""),
    ),
    Entry(("documents:protocol_annul", "signed_final"), (AnnulmentForm,), user="director"),
    # A draft annulled on its own page (no form class: a textarea of the page).
    Entry(
        ("attestation:protocol_annul", "mine_protocol"),
        user="director",
        page=("attestation:protocol_detail", "mine_protocol"),
        text=("reason",),
    ),
    # The public check is a POST form; each check is listed on «Проверки документов».
    Entry(("documents:verify", ""), (VerifyForm,), user="anonymous", status=200),
    Entry(
        ("documents:verification_checks", ""),
        (VerificationCheckFilter,),
        user="director",
        method="get",
        status=200,
    ),
    Entry(
        ("achievements:learner_achievements", "classmate"),
        (AchievementForm,),
        data=lambda ctx: {
            "kind": "publication",
            "achieved_on": "01.09.2026",
            "evidence": SimpleUploadedFile("proof.pdf", PDF, "application/pdf"),
        },
    ),
    Entry(
        ("cabinet:propose_achievement", ""),
        (AchievementForm,),
        user="learner",
        data=lambda ctx: {
            "kind": "publication",
            "achieved_on": "01.09.2026",
            "evidence": SimpleUploadedFile("proof.pdf", PDF, "application/pdf"),
        },
    ),
    Entry(
        ("achievements:achievement_reject", "mine_achievement"),
        (RejectForm,),
        page=("achievements:achievement_detail", "mine_achievement"),
    ),
    Entry(("archive:hold_set", "own_enrollment"), (HoldForm,), form_on_page=False),
    Entry(("archive:act_create", ""), (ActForm,), page=("archive:retention", "")),
    Entry(("accesslog:index", ""), (PeriodForm,), method="get", status=200),
    Entry(("core:audit_list", ""), (AuditFilterForm,), user="director", method="get", status=200),
    Entry(("paper:case_create", ""), (CaseForm,), data=lambda ctx: {"year": "2026", "retention_years": "5"}),
    Entry(("paper:case_edit", "paper_case"), (CaseForm,), keep=frozenset({"index"})),
    Entry(
        ("paper:original_create", "paper_case"),
        (OriginalForm,),
        keep=frozenset({"protocol_number", "act_number"}),  # numbers of records in the system
        data=lambda ctx: {
            "dated_on": "01.09.2026",
            "sheet_from": "2",
            "sheet_to": "3",
            "protocol_number": "",
            "act_number": "",
            "scan": SimpleUploadedFile("scan.pdf", PDF, "application/pdf"),
        },
    ),
    Entry(
        ("privacy:recipients", ""),
        (RecipientForm,),
        keep=frozenset({"inn"}),
        data=lambda ctx: {"inn": "7707083893"},
    ),
    Entry(
        ("privacy:recipient_detail", "privacy_recipient"),
        (RepresentativeForm,),
        keep=PERSON | {"email", "username"},
        data=lambda ctx: {
            "last_name": "Орлова",
            "first_name": "Ольга",
            "middle_name": "",
            "email": "orlova@example.ru",
            "username": "orlova",
        },
    ),
    Entry(
        ("privacy:consent_create", "classmate"),
        (ConsentForm,),
        keep=frozenset({"representative_name"}),
        data=lambda ctx: {
            "recipient": ctx["privacy_recipient"].pk,
            "categories": ["final"],
            "actions": ["transfer"],
            "valid_from": "01.09.2026",
            "valid_to": "31.12.2026",
            "representative_name": "",
        },
    ),
    Entry(
        ("privacy:withdrawal_close", "privacy_withdrawal"),
        (CloseWithdrawalForm,),
        page=("privacy:overview", ""),
    ),
    Entry(
        ("privacy:disclosure_create", "classmate"),
        (DisclosureForm,),
        data=lambda ctx: {
            "recipient": ctx["privacy_recipient"].pk,
            "categories": ["final"],
            "channel": "paper",
            "formats": ["pdf", "xlsx"],
            "ground_document": SimpleUploadedFile("ground.pdf", PDF, "application/pdf"),
        },
    ),
    Entry(
        ("staff:staff_create", ""),
        (StaffCreateForm,),
        user="director",
        keep=PERSON | {"email", "username"},
        data=lambda ctx: {
            "last_name": "Зайцева",
            "first_name": "Зоя",
            "middle_name": "",
            "email": "zaytseva@example.ru",
            "username": "",
            "role_names": ["Педагогический работник"],
        },
    ),
    Entry(
        ("staff:staff_edit", "staff_member"),
        (StaffEditForm,),
        user="director",
        keep=frozenset({"email"}),
        data=lambda ctx: {"email": "curator@example.ru"},
    ),
    Entry(
        ("staff:scale_create", ""),
        (ScaleForm,),
        user="director",
        keep=frozenset({"values"}),
        # A value's name is free text inside the structured lines.
        data=lambda ctx: {"values": f"зач | {TYPED} | 100 | да\nнезач | не зачтено | 0 | нет"},
    ),
    Entry(("staff:logins", ""), (LoginFailureFilterForm,), user="director", method="get", status=200),
    # The login is hidden on the page: the one the «login» entry typed (shown on «Входы»).
    Entry(
        ("staff:lockout_lift", ""),
        (LiftLockoutForm,),
        user="director",
        page=("staff:logins", ""),
        data=_lockout,
    ),
    Entry(
        ("gradebook:lock", "mine_gm"),
        (ReasonForm,),
        user="director",
        page=("gradebook:grid", "mine_gm"),
    ),
    Entry(
        ("privacy:representative_deactivate", "representative"),
        (DeactivateRepresentativeForm,),
        page=("privacy:recipient_detail", "privacy_recipient"),
    ),
    Entry(
        ("documents:document_destroy", "mine_document"),
        (StateForm,),
        page=("documents:document_detail", "mine_document"),
    ),
    Entry(
        ("staff:staff_deactivate", "other_teacher"),
        (DeactivateForm,),
        user="director",
        page=("staff:staff_detail", "other_teacher"),
    ),
    Entry(
        ("api_tokens:token_list", ""),
        (TokenForm,),
        user="director",
        data=lambda ctx: {"user": ctx["staff_member"].pk},
        status=201,  # the answer shows the new token once
    ),
    Entry(
        ("api_tokens:token_revoke", "api_token"),
        (RevokeForm,),
        user="director",
        page=("api_tokens:token_list", ""),
    ),
    # The API's writes of the registry's records, with the registrar's token. A learner's text
    # fields all take checked values (names, СНИЛС, phone, diploma): each payload is refused;
    # the reason of a change goes to the learner's history.
    Entry(
        ("api:learner_list", ""),
        method="json",
        user="anonymous",
        headers=_api_registry_token,
        status=201,
        text=tuple(API_LEARNER_TEXT),
        keep=API_LEARNER_TEXT,
        data=lambda ctx: {
            "last_name": "Соколов",
            "first_name": "Роман",
            "middle_name": "Олегович",
            "sex": "M",
            "birth_date": "1991-03-04",
            "phone": "+7 900 123-45-67",
            "diploma_series": "",
            "diploma_number": "",
            "diploma_last_name": "",
            "representative_name": "",
            "representative_kind": "",
            "representative_phone": "",
            "snils": "",
            "citizenship": "643",
        },
    ),
    Entry(
        ("api:learner_detail", "classmate"),
        method="patch",
        user="anonymous",
        headers=_api_registry_token,
        status=200,
        text=("reason",),
        max_lengths={"reason": 500},
        data=lambda ctx: {"phone": "+7 900 765-43-21", "version": _version_of(ctx, "classmate")},
    ),
    Entry(
        ("api:program_list", ""),
        method="json",
        user="anonymous",
        headers=_api_registry_token,
        status=201,
        text=("title",),
        max_lengths={"title": 255},
        data=lambda ctx: {"kind": "pk", "hours": 72},
    ),
    Entry(
        ("api:program_detail", "mine_program"),
        method="patch",
        user="anonymous",
        headers=_api_registry_token,
        status=200,
        text=("title", "qualification", "field_of_activity"),
        max_lengths={"title": 255, "qualification": 255, "field_of_activity": 255},
        data=lambda ctx: {"version": _version_of(ctx, "mine_program")},
    ),
    Entry(
        ("api:group_list", ""),
        method="json",
        user="anonymous",
        headers=_api_registry_token,
        status=201,
        text=("code",),
        max_lengths={"code": 32},
        data=lambda ctx: {
            "program": ctx["mine_program"].pk,
            "starts_on": "2026-09-01",
            "ends_on": "2026-11-30",
        },
    ),
    Entry(
        ("api:group_detail", "other"),
        method="patch",
        user="anonymous",
        headers=_api_registry_token,
        status=200,
        text=("code",),
        max_lengths={"code": 32},
        data=lambda ctx: {"version": _version_of(ctx, "other")},
    ),
    Entry(
        ("api:enrollment_list", ""),
        method="json",
        user="anonymous",
        headers=_api_registry_token,
        status=201,
        text=("admission_order_number",),
        max_lengths={"admission_order_number": 50},
        data=lambda ctx: {
            "learner": ctx["classmate"].pk,
            "group": ctx["other"].pk,
            "admission_order_date": "2026-09-01",
        },
    ),
    Entry(
        ("api:enrollment_detail", "stranger_enrollment"),
        method="patch",
        user="anonymous",
        headers=_api_registry_token,
        status=200,
        text=("admission_order_number", "reason"),
        max_lengths={"admission_order_number": 50, "reason": 500},
        data=lambda ctx: {"version": _version_of(ctx, "stranger_enrollment")},
    ),
]

# Forms with text fields that no entry types into, and why.
NOT_TYPED = {
    # Their one text field is a blank's number, which must be a number in the register.
    "documents.IssueForm": "the blank's number is checked against the register",
}


def _form_classes() -> dict[str, type[forms.BaseForm]]:
    """The form classes of the project's apps, and those the site's views take from elsewhere
    (Django's password reset): every URL's class-based view with a `form_class`."""
    found = {}
    for app in apps.get_app_configs():
        if not app.name.startswith("zachetka."):
            continue
        try:
            module = import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                found[f"{app.label}.{value.__name__}"] = value

    def walk(patterns: list) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None)
                initkwargs = getattr(pattern.callback, "view_initkwargs", {})
                # LoginView takes its form as `authentication_form`, its `form_class` unused.
                form = next(
                    (
                        found_form
                        for source in (initkwargs, vars(view) if view else {})
                        for attribute in ("authentication_form", "form_class")
                        if (found_form := source.get(attribute))
                    ),
                    None,
                )
                if form is None and view is not None:
                    form = getattr(view, "authentication_form", None) or getattr(view, "form_class", None)
                if isinstance(form, type) and issubclass(form, forms.BaseForm):
                    found.setdefault(f"{form.__module__}.{form.__name__}", form)

    walk(get_resolver().url_patterns)
    return found


def test_every_text_form_is_attacked() -> None:
    typed = {form for entry in ENTRIES for form in entry.forms} | UPLOAD_FORMS
    discovered = _form_classes()
    assert "django.contrib.auth.forms.PasswordResetForm" in discovered
    missing = {
        name
        for name, form in discovered.items()
        if text_fields(form) and form not in typed and name not in NOT_TYPED
    }
    assert missing == set(), "forms with text fields that no entry types into"


def _log_in(client, users: dict, role: str) -> None:  # noqa: ANN001
    client.logout()
    if role != "anonymous":
        client.force_login(users[role])


def _fill_typed(value, entry: str, name: str, payloads: Payloads):  # noqa: ANN001, ANN202
    """`value` with a payload wherever it holds TYPED (inside a JSON body's lists and objects
    too), each named by the key it is under."""
    if isinstance(value, dict):
        return {key: _fill_typed(inner, entry, str(key), payloads) for key, inner in value.items()}
    if isinstance(value, list):
        return [_fill_typed(inner, entry, name, payloads) for inner in value]
    if isinstance(value, str) and TYPED in value:
        return value.replace(TYPED, payloads.next(entry, name, None, inline=True))
    return value


def _submit(client, users: dict, ctx: dict, entry: Entry, payloads: Payloads, seen: Seen) -> None:  # noqa: ANN001
    _log_in(client, users, entry.user)
    url = resolve(ctx, entry.url)
    fields: dict[str, int | None] = {}
    for form in entry.forms:
        fields.update(text_fields(form))
    given = entry.data(ctx)
    if entry.method == "post" and entry.form_on_page:
        page = resolve(ctx, entry.page) if entry.page else url
        shown = client.get(page)
        assert shown.status_code == 200, f"{page}: {shown.status_code}"
        base = form_values(shown.content.decode(), page, url)
        assert base, f"no form posting to {url} on {page}"
        # What a person can type into: the text fields the page shows.
        fields = {name: length for name, length in fields.items() if name in base}
        data = {**base, **given}
    else:
        data = dict(given)
    declared = {name: length for form in entry.forms for name, length in text_fields(form).items()}
    fields.update({name: entry.max_lengths.get(name, declared.get(name)) for name in entry.text})
    data = _fill_typed(data, entry.label, "", payloads)
    typed = {
        name: payloads.next(entry.label, name, length, checked=name in entry.keep)
        for name, length in fields.items()
    }
    typed = {name: payload for name, payload in typed.items() if payload is not None}

    headers = entry.headers(ctx)

    def send(values: dict):  # noqa: ANN202
        if entry.json_body:
            method = getattr(client, "post" if entry.method == "json" else entry.method)
            return method(url, json.dumps(values), content_type="application/json", headers=headers)
        if entry.method == "get":
            return client.get(url, values, headers=headers)
        return client.post(url, values, headers=headers)

    if entry.keep & typed.keys() or entry.keep & set(entry.text):
        # The checked fields get the payload too: refused, and the page that says so is safe.
        refused = send({**data, **typed})
        assert refused.status_code < 500
        seen.check(refused.content, refused.get("Content-Type", ""), f"{entry.label} (refused)")
    for name in entry.keep:
        typed.pop(name, None)
    for value in given.values():
        if hasattr(value, "seek"):
            value.seek(0)
    response = send({**data, **typed})
    if response.status_code != entry.status:
        body = response.content.decode()
        why = body[:1500] if entry.json_body else page_errors(body)
        raise AssertionError(f"{response.status_code} instead of {entry.status}: {why}")
    seen.check(response.content, response.get("Content-Type", ""), entry.label)
    if response.status_code == 302:
        followed = client.get(response.url)
        assert followed.status_code < 500
        seen.check(followed.content, followed.get("Content-Type", ""), f"{entry.label} -> {response.url}")


def _revoked(document):  # noqa: ANN001, ANN202
    """A document revoked before it was reported: ФИС ФРДО wants it corrected by hand."""

    document.state, document.state_reason, document.state_changed_at = "revoked", "Ошибка", timezone.now()
    document.save(update_fields=["state", "state_reason", "state_changed_at"])
    return document


def _issued_lately(enrollment, seq: int):  # noqa: ANN001, ANN202
    """A document issued ten days ago (the matrix's documents are dated by their group's end,
    ahead of today; a document's columns do not change), so that a duplicate can be issued
    today: made from a copy of the study whose group ends then."""
    import datetime as dt

    from zachetka.programs.models import Enrollment

    study = Enrollment.objects.select_related("learner", "group__program").get(pk=enrollment.pk)
    study.group.ends_on = timezone.localdate() - dt.timedelta(days=10)  # in memory only
    document = _document(study, seq)
    # The register's numbers the world took by hand (1 to 4): the duplicate gets the next one.
    from zachetka.core import numbering
    from zachetka.documents.models import RegistrationCounter

    for _ in range(4):
        numbering.take_next(RegistrationCounter, year=2026)
    return document


def _signed_final(group):  # noqa: ANN001, ANN202
    """A signed final protocol (annulled with the documents issued on it)."""

    from zachetka.attestation.models import Protocol
    from zachetka.gradebook.models import GradingScale

    return Protocol.objects.create(
        kind=Protocol.Kind.FINAL,
        status=Protocol.Status.SIGNED,
        number=f"ИА-2026-П{group.pk:04d}",
        held_on=group.ends_on,
        group=group,
        final_form="exam",
        scale=GradingScale.objects.get(kind="five_point"),
        created_by=group.curator,
        signed_at=timezone.now(),
    )


def _due_for_destruction(make_group, make_learner, make_enrollment, director) -> None:  # noqa: ANN001
    """A learner whose studies ended in 2019: past retention, so an act may be drafted (its
    number after the matrix's act, made by hand as this year's first)."""
    import datetime as dt

    from zachetka.archive.models import ActCounter
    from zachetka.core import numbering
    from zachetka.programs import services as program_services

    numbering.take_next(ActCounter, year=timezone.localdate().year)

    group = make_group(starts_on=dt.date(2019, 2, 1), ends_on=dt.date(2019, 6, 30))
    program_services.complete_enrollment(
        by=director,
        enrollment=make_enrollment(make_learner(last_name="Старов"), group),
        completed_on=dt.date(2019, 6, 30),
        outcome="passed",
        reason="Протокол",
    )


def _api_assessment(mine, teacher, like):  # noqa: ANN001, ANN202
    import datetime as dt

    from zachetka.gradebook import services as gradebook

    return gradebook.create_assessment(
        by=teacher,
        group=mine,
        module=like.module,
        held_on=dt.date(2026, 11, 20),
        due_on=dt.date(2026, 12, 10),
        title="Контрольная",
        scale=like.scale,
    )


@pytest.fixture
def attack_world(
    world, director, registrar, curator, teacher, learner_user, make_group, make_learner, make_enrollment
) -> dict:
    from zachetka.api.services import create_token

    objects = _objects(world)
    _due_for_destruction(make_group, make_learner, make_enrollment, director)
    own = world["enrollments"]["own"]
    api_assessment = _api_assessment(world["mine"], teacher, world["assessments"]["mine"])
    return {
        **world,
        **objects,
        "defense_protocol": _as_defense(objects["mine_final"]),
        # Another group's (one final protocol in force per group), curated by the same person.
        "signed_final": _signed_final(make_group(program=world["mine"].program, curator=curator)),
        # The classmate's: one valid document per study (the own one has mine_document); the
        # revoked one first, so that the duplicated one can be valid.
        "revoked_document": _revoked(_document(world["enrollments"]["classmate"], 4)),
        "dup_document": _issued_lately(world["enrollments"]["classmate"], 3),
        "api_assessment": api_assessment,
        "api_cell": [api_assessment.pk, own.pk],
        "api_writer": create_token(name="Инъекции", user=teacher)[1],
        "api_registry": create_token(name="Инъекции — учебная часть", user=registrar)[1],
        "director": director,
        "registrar": registrar,
        "curator": curator,
        "teacher": teacher,
        "learner_user": learner_user,
    }


def _url(name: str, made: object) -> str:
    return resolve({"made": made}, (name, "made"))


def _made_outputs(client, users: dict, ctx: dict) -> list[tuple[str, str, bool]]:  # noqa: ANN001
    """(role, url, page data?) of the pages and files of what the entries made with payloads (not
    objects of the matrix's world), after the steps that make the files: the gradebook's XLSX
    (a job), the destruction act's PDF and extract (made when the act is executed)."""
    from zachetka.archive import services as archive
    from zachetka.archive.models import DestructionAct
    from zachetka.attestation.models import Protocol
    from zachetka.core import views as core_views
    from zachetka.core.models import AuditEvent
    from zachetka.documents.models import Document
    from zachetka.gradebook.models import GradeChange
    from zachetka.jobs.models import Job
    from zachetka.privacy.models import Consent, Disclosure

    consent = Consent.objects.filter(purpose__contains=MARKER).last()
    disclosure = Disclosure.objects.filter(legal_ground__contains=MARKER).last()
    defense = Protocol.objects.filter(results__work_topic__contains=MARKER).last()
    made = {
        "consent": [consent] if consent else [],
        "disclosure": [disclosure] if disclosure else [],
        "defense": [defense] if defense else [],
        "annulled protocol": list(Protocol.objects.filter(annul_reason__contains=MARKER)),
        "document": list(
            Document.objects.filter(state_reason__contains=MARKER)
            | Document.objects.filter(original__state_reason__contains=MARKER)
        ),
        "grade change": list(GradeChange.objects.filter(reason__contains=MARKER).select_related("grade")),
        "destruction act": list(DestructionAct.objects.filter(basis__contains=MARKER)),
    }
    outputs: list[tuple[str, str, bool]] = []
    for kind, found in made.items():
        assert found, f"nothing was made with a payload: {kind}"
    outputs += [
        ("registrar", _url("privacy:consent_detail", consent), False),
        ("registrar", _url("privacy:consent_form_pdf", consent), False),
        ("registrar", _url("privacy:disclosure_pdf", disclosure), False),
        ("registrar", _url("privacy:disclosure_xlsx", disclosure), False),
        ("registrar", _url("attestation:protocol_detail", defense), False),
        ("registrar", _url("attestation:protocol_pdf", defense), False),
    ]
    for protocol in made["annulled protocol"]:
        outputs += [
            ("registrar", _url("attestation:protocol_detail", protocol), False),
            ("registrar", _url("attestation:protocol_pdf", protocol), False),
            ("registrar", _url("attestation:group_protocols", protocol.group), False),
        ]
    for document in made["document"]:
        outputs += [
            ("registrar", _url("documents:document_detail", document), False),
            ("registrar", _url("documents:document_pdf", document), False),
        ]
    for change in made["grade change"]:
        query = f"?assessment={change.grade.assessment_id}&enrollment={change.grade.enrollment_id}"
        outputs.append(("registrar", reverse("gradebook:cell_history") + query, True))
    for act in made["destruction act"]:
        archive.approve_act(by=users["director"], act=act)
        archive.execute_act(by=users["registrar"], act=act)
        outputs += [
            ("registrar", _url("archive:act_detail", act), False),
            ("registrar", _url("archive:act_pdf", act), False),
            ("registrar", _url("archive:act_extract", act), False),
        ]
    # Every page of the audit (the matrix fetches the first): the reasons the forms and the API
    # typed, each on the page of its event.
    pages = -(-AuditEvent.objects.count() // core_views.PAGE_SIZE)
    outputs += [
        ("director", f"{reverse('core:audit_list')}?page={page}", False) for page in range(2, pages + 1)
    ]
    # The group's whole gradebook as XLSX (a job, run at once in tests): the titles and grades
    # the forms and the API typed.
    _log_in(client, users, "registrar")
    started = client.post(reverse("gradebook:group_export_job", args=[ctx["mine"].pk]))
    assert started.status_code == 302, started.status_code
    job = Job.objects.filter(owner=users["registrar"]).latest("created_at")
    assert job.status == Job.Status.DONE, job.status
    outputs.append(("registrar", _url("jobs:file", job), False))
    return outputs


# Stored files the matrix's world fakes with a few bytes (scans, uploads, files made earlier):
# what they hold was not made from anything typed here.
STORED_FAKES = {
    "documents:frdo_file",
    "archive:act_pdf",
    "archive:act_extract",
    "privacy:disclosure_pdf",
    "privacy:disclosure_xlsx",
    "privacy:disclosure_ground",
    "privacy:consent_scan",
    "privacy:withdrawal_scan",
    "achievements:evidence",
    "paper:original_scan",
    "jobs:file",
}

LEARNER_FILE_COLUMNS = ("Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "СНИЛС", "Email", "Телефон")
LEARNER_FILE_COLUMNS += ("Гражданство",)

# (entry, field) typed with a payload that no page, PDF or workbook shows, and why. Everything
# else typed must be found in at least one output it was checked in.
NOT_SHOWN = {
    **{
        ("api:learner_list", field): (
            "a learner's text fields take only checked values: the API refuses the payload naming "
            "the field, without repeating the value"
        )
        for field in API_LEARNER_TEXT
    },
    ("documents:document_duplicate[dup_document]", "series"): (
        "a blank's series must be one in the register: refused, and the refusal names the field only"
    ),
    **{
        ("web:learner_import", f"file {column}"): (
            "a learners' file's cell that looks like a formula or holds markup is refused naming its "
            "column, without repeating the value"
        )
        for column in LEARNER_FILE_COLUMNS
    },
    ("lms:gradebook_import[mine_gm]", "reason"): (
        "typed into a confirmation refused for the file's errors, whose page offers no confirmation "
        "(so no reason field) again; a reason given becomes each grade's change reason, the field "
        "gradebook:cell_save and the API's grade writes type into, shown in the cell's history"
    ),
    ("api:grade_bulk", "idempotency_key"): (
        "a client's request key, kept only to answer a repeated request the same; never shown"
    ),
}


# --------------------------------------------------------------------- uploaded files


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def _counts() -> dict[str, int]:
    from zachetka.gradebook.models import Grade, GradeChange
    from zachetka.people.models import Learner
    from zachetka.programs.models import Enrollment

    return {model.__name__: model.objects.count() for model in (Grade, GradeChange, Learner, Enrollment)}


def _upload_moodle(client, users: dict, ctx: dict, payloads: Payloads, seen: Seen) -> None:  # noqa: ANN001
    """A Moodle gradebook export whose text cells carry payloads (names, e-mail, ID number, a
    grade item's title, a column Moodle adds, a grade): the preview shows them escaped, and the
    confirmation (with a payload as its reason) is refused with nothing written."""

    label = "lms:gradebook_import[mine_gm]"
    _log_in(client, users, "teacher")

    def typed(name: str) -> str:
        return payloads.next(label, name, None, inline=True)

    classmate = ctx["classmate"]
    classmate.refresh_from_db()  # its e-mail as the entries left it: the row is matched by it
    header = ["First name", "Last name", "ID number", "Email address"]
    header += [f"Assignment: {typed('grade item')} (Real)", "Quiz: Контрольная (Real)", typed("other column")]
    rows = [
        header,
        [classmate.first_name, classmate.last_name, "", classmate.email, "5", typed("grade"), ""],
        [typed("first name"), typed("last name"), typed("ID number"), typed("e-mail"), "5", "4", ""],
    ]
    before = _counts()
    url = resolve(ctx, ("lms:gradebook_import", "mine_gm"))
    uploaded = client.post(url, {"file": SimpleUploadedFile("Оценки.csv", _csv(rows), "text/csv")})
    assert uploaded.status_code == 302, page_errors(uploaded.content.decode())
    path, _, query = uploaded.url.partition("?")
    token = query.removeprefix("token=")
    mapping = {"column_4": "", "column_5": str(ctx["mine_assessment"].pk)}
    preview = client.get(path, {"token": token, **mapping})
    assert preview.status_code == 422, preview.status_code  # the grade is not one of the scale
    seen.check(preview.content, preview["Content-Type"], f"{label} preview")
    confirm_url = resolve(ctx, ("lms:gradebook_import_confirm", "mine_gm"))
    values = form_values(preview.content.decode(), path, confirm_url)
    data = {**mapping, **values, "token": token, "reason": typed("reason")}
    refused = client.post(confirm_url, data)
    assert refused.status_code == 422, refused.status_code
    seen.check(refused.content, refused["Content-Type"], f"{label} confirm (refused)")
    assert _counts() == before, "a refused Moodle import wrote something"


def _upload_learners(client, users: dict, ctx: dict, payloads: Payloads, seen: Seen) -> None:  # noqa: ANN001
    """A learners' file with payloads in every text cell: refused, each value named in the
    error list; then a valid file with a payload as a column's title and as the admission
    order's number: its preview lists them. Nothing is written before the confirmation."""
    label = "web:learner_import"
    _log_in(client, users, "registrar")
    url = reverse(label)

    def typed(name: str) -> str:
        return payloads.next(label, name, None, inline=True)

    header = list(LEARNER_FILE_COLUMNS)
    refused_rows = [header, [typed(f"file {column}") for column in header]]
    before = _counts()
    refused = client.post(url, {"file": SimpleUploadedFile("Слушатели.csv", _csv(refused_rows), "text/csv")})
    assert refused.status_code == 422, refused.status_code
    seen.check(refused.content, refused["Content-Type"], f"{label} (refused file)")
    rows = [
        [*header, typed("file column title")],
        ["Лебедев", "Олег", "Петрович", "02.03.1991", "М", "", "", "", "643", "x"],
    ]
    preview = client.post(
        url,
        {
            "file": SimpleUploadedFile("Слушатели.csv", _csv(rows), "text/csv"),
            "group": ctx["mine"].pk,
            "admission_order_number": payloads.next(
                label,
                "admission_order_number",
                ImportUploadForm.base_fields["admission_order_number"].max_length,
                inline=True,
            ),
            "admission_order_date": "01.09.2026",
        },
    )
    assert preview.status_code == 200, page_errors(preview.content.decode())
    seen.check(preview.content, preview["Content-Type"], f"{label} preview")
    assert _counts() == before, "a learners' file was written before its confirmation"


UPLOADS = (_upload_moodle, _upload_learners)
# The forms of those uploads (their text fields are typed there).
UPLOAD_FORMS = {ImportUploadForm, ConfirmForm}


def test_typed_payloads_stay_text_everywhere(client, attack_world, settings) -> None:
    ctx = attack_world
    users = {
        role: ctx["learner_user" if role == "learner" else role] for role in ROLES if role != "anonymous"
    }
    payloads = Payloads()
    seen = Seen(payloads)
    failures = []
    for entry in ENTRIES:
        try:
            _submit(client, users, ctx, entry, payloads, seen)
        except AssertionError as error:
            failures.append(f"{entry.label}: {error}")
    for upload in UPLOADS:
        try:
            upload(client, users, ctx, payloads, seen)
        except AssertionError as error:
            failures.append(f"{upload.__name__}: {error}")
    # Outputs of what the entries made (not objects of the matrix's world), first: executing
    # the destruction act depersonalises a learner the matrix's pages would show.
    try:
        made = _made_outputs(client, users, ctx)
    except AssertionError as error:
        failures.append(f"made outputs: {error}")
        made = []
    for role, url, page_data in made:
        _log_in(client, users, role)
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        try:
            assert response.status_code == 200, f"{response.status_code}"
            seen.check(content, response.get("Content-Type", ""), url, page_data=page_data)
        except AssertionError as error:
            failures.append(f"{url}: {error}")
    for (name, key), (method, statuses) in MATRIX.items():
        if method != "get" or 200 not in statuses or name in STORED_FAKES:
            continue
        role = ROLES[statuses.index(200)]
        _log_in(client, users, role)
        url = resolve(ctx, (name, key))
        try:
            response = client.get(url)
            assert response.status_code < 500, f"{response.status_code}"
            content = b"".join(response.streaming_content) if response.streaming else response.content
            seen.check(content, response.get("Content-Type", ""), f"{url} as {role}")
        except AssertionError as error:
            failures.append(f"{url}: {error}")
    report = [
        f"{typed.entry} {typed.field} {typed.payload!r}: {sorted(seen.shown.get(marker, ()))}"
        for marker, typed in payloads.typed.items()
    ]
    print("\n".join(report), seen.outputs)  # noqa: T201 - with -s: which field reached which output
    assert not failures, "\n".join(failures)
    # Every payload typed reached an output that shows it (so that an entry whose submission
    # silently does nothing, or whose result is not fetched, fails here), unless exempted.
    unseen = {
        (typed.entry, typed.field) for marker, typed in payloads.typed.items() if marker not in seen.shown
    }
    seen_anyway = {
        (typed.entry, typed.field) for marker, typed in payloads.typed.items() if marker in seen.shown
    } & NOT_SHOWN.keys()
    assert unseen - NOT_SHOWN.keys() == set(), "typed payloads that no output showed"
    assert seen_anyway == set(), "NOT_SHOWN exemptions of payloads that an output shows"
    assert NOT_SHOWN.keys() <= unseen | seen_anyway, "NOT_SHOWN exemptions of fields no entry types"
    # Not vacuous: markup reached pages, PDFs and workbooks, and every kind of formula a workbook.
    for kind in ("html", "pdf", "xlsx"):
        for markup in ("<script>", "<img"):
            assert any(
                markup in typed.payload and kind in seen.shown.get(marker, ())
                for marker, typed in payloads.typed.items()
            ), f"no {markup} payload reached a {kind} output"
    for formula in FORMULAS:
        prefix = formula.split("{m}")[0]
        assert any(
            typed.payload.startswith(prefix) and "xlsx" in seen.shown.get(marker, ())
            for marker, typed in payloads.typed.items()
        ), f"no {formula!r} payload reached a workbook"


def test_the_checks_catch_an_injection(pdf_text) -> None:
    """The checks fail on the very holes they look for: markup left raw on a page or in a
    PDF's HTML, a payload written to a workbook as openpyxl writes a bare string."""
    import html

    import openpyxl
    import weasyprint

    from zachetka.core import xlsx

    payloads = Payloads()
    script = payloads.next("checks", "script", None)  # =HYPERLINK(…)<script>alert(…)</script>
    img = payloads.next("checks", "img", None)  # +…"><img src=x onerror=alert(…)>
    seen = Seen(payloads)
    for payload in (script, img):
        with pytest.raises(AssertionError, match="injected"):
            seen.check(f"<p>{payload}</p>".encode(), "text/html", "page")
        seen.check(f"<p>{html.escape(payload)}</p>".encode(), "text/html", "page")

    book = openpyxl.Workbook()
    book.active["A1"] = script
    raw = io.BytesIO()
    book.save(raw)
    with pytest.raises(AssertionError, match="a formula"):
        seen.check(raw.getvalue(), XLSX, "workbook")
    book = openpyxl.Workbook()
    xlsx.write(book.active, 1, 1, script)
    kept = io.BytesIO()
    book.save(kept)
    seen.check(kept.getvalue(), XLSX, "workbook")

    with pytest.raises(AssertionError, match="not shown whole"):
        seen.check(weasyprint.HTML(string=f"<p>{script}</p>").write_pdf(), "application/pdf", "pdf")
    seen.check(weasyprint.HTML(string=f"<p>{html.escape(script)}</p>").write_pdf(), "application/pdf", "pdf")
    assert seen.shown == dict.fromkeys(payloads.typed, {"html", "xlsx", "pdf"}) | {
        list(payloads.typed)[1]: {"html"}
    }

"""Issue 16, «Under attack»: markup and spreadsheet formulas typed into every text field of every
form stay inert text wherever the site shows them.

One world; every entry point of `ENTRIES` gets a payload in each of its text fields (see
injection.py); then every page, PDF, XLSX and ZIP of the authorization matrix is fetched as a
role that may open it and checked: no element or handler a payload made on pages, each payload
whole as text in PDFs, no live formula in any workbook cell. A form class with a text field
that no entry covers fails `test_every_text_form_is_attacked`; an API write is one more entry
with `method="json"`.
"""

import io
import json
from importlib import import_module

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

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
from zachetka.organization.forms import RequisitesForm
from zachetka.paper.forms import CaseForm, OriginalForm
from zachetka.people.forms import LearnerForm
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
from zachetka.web.tests.test_authorization_matrix import MATRIX, ROLES, _objects

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


ENTRIES: list[Entry] = [
    # A failed log-in's login is shown on the administration's «Входы» page.
    Entry(("login", ""), (LoginForm,), user="anonymous", status=200, data=lambda ctx: {"password": "x"}),
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
    Entry(
        ("documents:document_duplicate", "mine_document"),
        (ReplacementForm,),
        page=("documents:document_detail", "mine_document"),
        keep=frozenset({"series", "number"}),  # a blank in stock: one received above
        data=lambda ctx: {"series": _last_receipt_series(), "number": "000102"},
    ),
    Entry(
        ("documents:frdo_correction", "mine_document"),
        (FrdoCorrectionForm,),
        form_on_page=False,
    ),
    Entry(
        ("documents:protocol_annul", "mine_final"),
        (AnnulmentForm,),
        user="director",
        form_on_page=False,  # a draft: its page sends the person back to the protocol
    ),
    Entry(("documents:verify", ""), (VerifyForm,), user="anonymous", method="get", status=200),
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
    Entry(
        ("staff:lockout_lift", ""),
        (LiftLockoutForm,),
        user="director",
        form_on_page=False,
        text=("username",),  # hidden on the page, but a login someone typed
        data=lambda ctx: {"ip_address": "127.0.0.1"},
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
]

# Forms with text fields that no entry types into, and why.
NOT_TYPED = {
    # Their one text field is a blank's number, which must be a number in the register.
    "documents.IssueForm": "the blank's number is checked against the register",
    # The upload's own cells are the import's business (checked by the import tests); its
    # admission order number is the same field as the enrolment form's.
    "people.ImportUploadForm": "an import file; its order number is typed in EnrollmentCreateForm",
    # The confirmation needs a staged Moodle file; its reason becomes each grade's change reason,
    # the very field the grid's late-correction reason fills (the gradebook:cell_save entry).
    "lms.ConfirmForm": "its reason is a grade's change reason, typed through gradebook:cell_save",
}


def _form_classes() -> dict[str, type[forms.BaseForm]]:
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
    return found


def test_every_text_form_is_attacked() -> None:
    typed = {form for entry in ENTRIES for form in entry.forms}
    missing = {
        name
        for name, form in _form_classes().items()
        if text_fields(form) and form not in typed and name not in NOT_TYPED
    }
    assert missing == set(), "forms with text fields that no entry types into"


def _log_in(client, users: dict, role: str) -> None:  # noqa: ANN001
    client.logout()
    if role != "anonymous":
        client.force_login(users[role])


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
    fields.update({name: declared.get(name) for name in entry.text})
    for name, value in data.items():
        if isinstance(value, str) and TYPED in value:
            data[name] = value.replace(TYPED, payloads.next(entry.label, name, None, inline=True))
    typed = {name: payloads.next(entry.label, name, length) for name, length in fields.items()}
    typed = {name: payload for name, payload in typed.items() if payload is not None}

    headers = entry.headers(ctx)

    def send(values: dict):  # noqa: ANN202
        if entry.method == "json":
            return client.post(url, json.dumps(values), content_type="application/json", headers=headers)
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
        raise AssertionError(
            f"{response.status_code} instead of {entry.status}: {page_errors(response.content.decode())}"
        )
    seen.check(response.content, response.get("Content-Type", ""), entry.label)
    if response.status_code == 302:
        followed = client.get(response.url)
        assert followed.status_code < 500
        seen.check(followed.content, followed.get("Content-Type", ""), f"{entry.label} -> {response.url}")


@pytest.fixture
def attack_world(world, director, registrar, curator, teacher, learner_user) -> dict:
    return {
        **world,
        **(objects := _objects(world)),
        "defense_protocol": _as_defense(objects["mine_final"]),
        "director": director,
        "registrar": registrar,
        "curator": curator,
        "teacher": teacher,
        "learner_user": learner_user,
    }


def _made_outputs() -> list[tuple[str, object]]:
    """(url name, object) of the pages and files of objects the entries made with payloads."""
    from zachetka.attestation.models import Protocol
    from zachetka.privacy.models import Consent, Disclosure

    consent = Consent.objects.filter(purpose__contains=MARKER).last()
    disclosure = Disclosure.objects.filter(legal_ground__contains=MARKER).last()
    defense = Protocol.objects.filter(results__work_topic__contains=MARKER).last()
    return [
        ("privacy:consent_detail", consent),
        ("privacy:consent_form_pdf", consent),
        ("privacy:disclosure_pdf", disclosure),
        ("privacy:disclosure_xlsx", disclosure),
        ("attestation:protocol_detail", defense),
        ("attestation:protocol_pdf", defense),
    ]


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
    # Outputs of what the entries made (not objects of the matrix's world).
    _log_in(client, users, "registrar")
    for name, made in _made_outputs():
        if made is None:
            failures.append(f"{name}: nothing was made with a payload")
            continue
        url = resolve({"made": made}, (name, "made"))
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        try:
            seen.check(content, response.get("Content-Type", ""), url)
        except AssertionError as error:
            failures.append(f"{url}: {error}")
    report = [
        f"{typed.entry} {typed.field} {typed.payload!r}: {sorted(seen.shown.get(marker, ()))}"
        for marker, typed in payloads.typed.items()
    ]
    print("\n".join(report), seen.outputs)  # noqa: T201 - with -s: which field reached which output
    assert not failures, "\n".join(failures)
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

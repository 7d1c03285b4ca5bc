"""Paper originals filed in a case: sheets from–to that never overlap, a scan checked by its
content and size, a link to the record of the original's own kind; registering is audited."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from zachetka.core.audit import Action
from zachetka.core.models import AuditEvent
from zachetka.paper import services
from zachetka.paper.models import PaperOriginal
from zachetka.paper.tests.conftest import PDF, PNG

DATED = dt.date(2026, 11, 25)


def _register(by, case, sheets=(1, 3), **fields):  # noqa: ANN001, ANN202
    values = {"kind": PaperOriginal.Kind.OTHER, "title": "Книга регистрации", "dated_on": DATED}
    values.update(fields)
    return services.register_original(by=by, case=case, sheet_from=sheets[0], sheet_to=sheets[1], **values)


def test_an_original_is_filed_with_its_scan_and_audited(make_case, registrar):
    case = make_case()
    scan = SimpleUploadedFile("протокол.pdf", PDF, content_type="application/pdf")
    original = _register(registrar, case, (1, 4), scan=scan)
    assert original.sheets_label == "л. 1–4"
    assert original.scan.name.endswith(".pdf") and original.scan_name == "протокол.pdf"
    event = AuditEvent.objects.get(action=Action.PAPER_ORIGINAL_REGISTERED, subject_id=str(original.pk))
    assert event.actor_id == registrar.pk
    assert event.data["after"]["sheets"] == [1, 4] and event.data["after"]["scan"] == "PDF"


@pytest.mark.parametrize(
    ("sheets", "taken"), [((3, 5), "л. 1–4"), ((4, 4), "л. 1–4"), ((6, 9), "л. 7–8"), ((1, 10), "л. 1–4")]
)
def test_overlapping_sheets_are_refused(make_case, registrar, sheets, taken):
    case = make_case()
    _register(registrar, case, (1, 4))
    _register(registrar, case, (7, 8), title="Опись")
    with pytest.raises(ValidationError, match=f"заняты: на {taken}"):
        _register(registrar, case, sheets, title="Ещё один")
    assert case.originals.count() == 2
    assert _register(registrar, case, (5, 6), title="Вплотную").sheets_label == "л. 5–6"


def test_the_database_holds_the_sheets(make_case, registrar):
    case = make_case()
    first = _register(registrar, case, (1, 4))
    row = {"case": case, "kind": "other", "title": "x", "dated_on": DATED, "registered_by": registrar}
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperOriginal.objects.create(**row, sheet_from=5, sheet_to=4)  # backwards
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperOriginal.objects.create(**row, sheet_from=0, sheet_to=1)  # no sheet 0
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperOriginal.objects.create(**row, sheet_from=first.sheet_from, sheet_to=9)  # same first sheet


def test_backwards_sheets_are_refused_with_a_message(make_case, registrar):
    case = make_case()
    with pytest.raises(ValidationError, match=r"Последний лист \(2\) меньше первого \(5\)"):
        _register(registrar, case, (5, 2))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("скан.pdf", b"just text, not a pdf", "не PDF и не изображение"),
        ("скан.png", b"GIF89a" + b"\x00" * 20, "не PDF и не изображение"),
        ("скан.pdf", PDF + b"<script>alert(1)</script>", "содержит HTML, SVG или PHP"),
    ],
)
def test_a_scan_is_checked_by_its_content(make_case, registrar, name, content, message):
    case = make_case()
    with pytest.raises(ValidationError, match=message):
        _register(registrar, case, scan=SimpleUploadedFile(name, content))
    assert not PaperOriginal.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.PAPER_ORIGINAL_REGISTERED).exists()


def test_a_scan_named_pdf_but_a_png_is_stored_as_png(make_case, registrar):
    original = _register(registrar, make_case(), scan=SimpleUploadedFile("скан.pdf", PNG))
    assert original.scan.name.endswith(".png")


def test_a_scan_too_large_is_refused(make_case, registrar, settings):
    settings.PAPER_SCAN_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("скан.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="больше 1 МБ"):
        _register(registrar, make_case(), scan=big)


def test_nothing_is_filed_in_a_closed_case(make_case, registrar):
    case = make_case(closed_on=dt.date(2026, 11, 1))
    with pytest.raises(ValidationError, match="закрыто 01.11.2026"):
        _register(registrar, case)


def test_a_signed_protocol_has_one_original(make_case, registrar, graduated):
    case = make_case()
    original = _register(registrar, case, (1, 2), kind=PaperOriginal.Kind.PROTOCOL, protocol=graduated)
    assert original.protocol == graduated
    with pytest.raises(ValidationError, match="уже подшит в дело"):
        _register(registrar, case, (3, 4), kind=PaperOriginal.Kind.PROTOCOL, protocol=graduated)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperOriginal.objects.create(
            case=case,
            kind="protocol",
            title="x",
            dated_on=DATED,
            protocol=graduated,
            sheet_from=9,
            sheet_to=9,
            registered_by=registrar,
        )


def test_a_link_must_match_the_kind_and_a_draft_is_not_filed(
    make_case, registrar, pass_all_modules, draw_up_final
):
    case = make_case()
    pass_all_modules()
    draft = draw_up_final()
    with pytest.raises(ValidationError, match="только для подлинника протокола"):
        _register(registrar, case, kind=PaperOriginal.Kind.CONSENT, protocol=draft)
    with pytest.raises(ValidationError, match="ещё не подписан"):
        _register(registrar, case, kind=PaperOriginal.Kind.PROTOCOL, protocol=draft)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperOriginal.objects.create(
            case=case,
            kind="consent",
            title="x",
            dated_on=DATED,
            protocol=draft,
            sheet_from=1,
            sheet_to=1,
            registered_by=registrar,
        )

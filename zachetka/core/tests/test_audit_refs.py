"""The audit trail names the rows an event records by id: an inspector reads which learner's
grade for which assessment was corrected, not two numbers; one query per kind of row however
many events a page shows; the learners so named are in the access log."""

import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zachetka.accesslog.models import AccessRecord
from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.gradebook import services as gradebook
from zachetka.gradebook.models import Assessment, GradingScale

PAGE = reverse("core:audit_list")


def _assessment(world, title: str) -> Assessment:
    return Assessment.objects.create(
        group=world["mine"],
        module=world["mine"].program.modules.first(),
        title=title,
        held_on=timezone.localdate(),
        due_on=timezone.localdate() + dt.timedelta(days=3),
        created_by=world["mine"].curator,
        scale=GradingScale.objects.get(kind="five_point"),
    )


def _grade(director, assessment, enrollment, value: str = "5") -> None:
    gradebook.record_grade(
        by=director, assessment=assessment, enrollment=enrollment, text=value, expected_version=0
    )


def test_a_grade_event_names_the_learner_and_the_assessment(client, director, world):
    enrollment = world["enrollments"]["own"]
    assessment = _assessment(world, "Контрольная работа № 1")
    _grade(director, assessment, enrollment)
    client.force_login(director)
    page = client.get(PAGE, {"action": audit.Action.GRADE_ENTERED}).content.decode()
    held = assessment.held_on.strftime("%d.%m.%Y")
    assert f"мероприятие: <ins>Контрольная работа № 1 ({held}) (№ {assessment.pk})</ins>" in page
    learner = enrollment.learner
    assert f"слушатель: <ins>{learner.full_name} (№ {learner.pk})</ins>" in page
    assert "(id)" not in page.split("<tbody>")[1]
    record = AccessRecord.objects.get(view_name="core:audit_list")
    assert f",{learner.pk}," in record.learner_ids


def test_a_row_gone_since_is_said_to_be_deleted(client, director, world):
    gone = Assessment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    audit.record(
        by=director,
        action=audit.Action.GRADE_CORRECTED,
        before={"value": "4"},
        after={"value": "5", "assessment": gone + 1000},
        reason="Пересдача",
    )
    client.force_login(director)
    page = client.get(PAGE, {"action": audit.Action.GRADE_CORRECTED}).content.decode()
    assert f"мероприятие: <ins>№ {gone + 1000} (запись удалена)</ins>" in page


def test_the_page_asks_the_same_number_of_queries_for_more_events(client, director, world):
    enrollments = [world["enrollments"]["own"], world["enrollments"]["classmate"]]
    client.force_login(director)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE, {"action": audit.Action.GRADE_ENTERED}).status_code == 200
        return len(captured)

    _grade(director, _assessment(world, "Работа 1"), enrollments[0])
    few = queries()
    for number in range(2, 6):
        assessment = _assessment(world, f"Работа {number}")
        for enrollment in enrollments:
            _grade(director, assessment, enrollment)
    assert AuditEvent.objects.filter(action=audit.Action.GRADE_ENTERED).count() == 9
    assert queries() == few


def test_the_export_names_them_too(client, director, world):
    enrollment = world["enrollments"]["own"]
    assessment = _assessment(world, "Зачётная работа")
    _grade(director, assessment, enrollment)
    client.force_login(director)
    response = client.get(reverse("core:audit_list_xlsx"), {"action": audit.Action.GRADE_ENTERED})
    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert any(f"слушатель: {enrollment.learner.full_name} (№ {enrollment.learner.pk})" in t for t in texts)

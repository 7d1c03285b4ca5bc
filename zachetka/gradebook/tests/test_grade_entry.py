import datetime as dt
import json
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from zachetka.core import audit, sealing
from zachetka.core.models import AuditEvent
from zachetka.gradebook import selectors, services
from zachetka.gradebook.models import Grade, GradeChange, GradingScale

BEFORE_DEADLINE = dt.datetime(2026, 11, 11, 12, 0, tzinfo=dt.UTC)  # due 13.11.2026
AFTER_DEADLINE = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def save(client, assessment, enrollment, value, version=0, reason=""):
    return client.post(
        reverse("gradebook:cell_save"),
        json.dumps(
            {
                "assessment": assessment.pk,
                "enrollment": enrollment.pk,
                "value": value,
                "version": version,
                "reason": reason,
            }
        ),
        content_type="application/json",
    )


@time_machine.travel(BEFORE_DEADLINE)
def test_default_deadline_is_a_setting(journal, settings):
    assert settings.GRADE_ENTRY_DEADLINE_DAYS == 3
    assert journal["assessment"].due_on == dt.date(2026, 11, 13)


@time_machine.travel(BEFORE_DEADLINE)
def test_teacher_saves_a_cell_and_sees_who_and_when(client, teacher, journal):
    client.force_login(teacher)
    response = save(client, journal["assessment"], journal["own"], "отл")
    assert response.status_code == 200
    data = response.json()
    assert data["value"] == "5" and data["version"] == 1 and data["result"] == "100"
    assert data["by"] == "Преподавательская Ирина"
    grade = Grade.objects.get()
    assert grade.entered_by == teacher and not grade.is_late
    assert AuditEvent.objects.filter(action=audit.Action.GRADE_ENTERED, subject_id=str(grade.pk)).exists()


@time_machine.travel(BEFORE_DEADLINE)
def test_value_off_the_scale_is_refused_in_place(client, teacher, journal):
    client.force_login(teacher)
    response = save(client, journal["assessment"], journal["own"], "6")
    assert response.status_code == 400
    assert "«6» — не оценка по шкале «Пятибалльная»" in response.json()["error"]
    assert not Grade.objects.exists()


def test_weighted_result(journal, teacher, scale):
    with time_machine.travel(BEFORE_DEADLINE):
        second = services.create_assessment(
            by=teacher,
            group=journal["group"],
            module=journal["module"],
            held_on=dt.date(2026, 11, 11),
            title="Тест",
            scale=scale(GradingScale.Kind.HUNDRED_POINT),
            weight=2,
        )
        services.record_grade(
            by=teacher,
            assessment=journal["assessment"],
            enrollment=journal["own"],
            text="5",
            expected_version=0,
        )
        services.record_grade(
            by=teacher, assessment=second, enrollment=journal["own"], text="70", expected_version=0
        )
        services.record_grade(
            by=teacher,
            assessment=journal["assessment"],
            enrollment=journal["classmate"],
            text="н",
            expected_version=0,
        )
    grid = selectors.grid(teacher, journal["group"], journal["module"])
    results = {row.enrollment.pk: row.result for row in grid.rows}
    assert results[journal["own"].pk] == Decimal(80)  # (100·1 + 70·2) / 3
    assert results[journal["classmate"].pk] == Decimal(0)  # «н/я» counts as not passed
    assert selectors.weighted_result([Decimal(1)], [None]) is None


def test_correction_after_the_deadline_needs_a_reason(client, teacher, journal):
    with time_machine.travel(BEFORE_DEADLINE):
        grade = services.record_grade(
            by=teacher,
            assessment=journal["assessment"],
            enrollment=journal["own"],
            text="3",
            expected_version=0,
        )
    client.force_login(teacher)
    with time_machine.travel(AFTER_DEADLINE):
        refused = save(client, journal["assessment"], journal["own"], "4", version=grade.version)
        assert refused.status_code == 428
        assert "Срок внесения оценок истёк 13.11.2026" in refused.json()["error"]
        accepted = save(
            client,
            journal["assessment"],
            journal["own"],
            "4",
            version=grade.version,
            reason="Работа пересдана 19.11.2026",
        )
    assert accepted.status_code == 200
    change = GradeChange.objects.filter(grade=grade).first()
    assert (change.old_value, change.new_value, change.reason) == ("3", "4", "Работа пересдана 19.11.2026")
    [event] = AuditEvent.objects.filter(action=audit.Action.GRADE_CORRECTED).opened()
    assert event.data["before"] == {"value": "3"} and event.data["after"]["value"] == "4"
    assert event.reason == "Работа пересдана 19.11.2026" and event.actor_id == teacher.pk
    history = client.get(
        reverse("gradebook:cell_history"),
        {"assessment": journal["assessment"].pk, "enrollment": journal["own"].pk},
    ).json()
    assert [(c["old"], c["new"]) for c in history["changes"]] == [("3", "4"), ("", "3")]


@time_machine.travel(AFTER_DEADLINE)
def test_late_first_entry_is_allowed_and_flagged(journal, teacher):
    grade = services.record_grade(
        by=teacher, assessment=journal["assessment"], enrollment=journal["own"], text="5", expected_version=0
    )
    assert grade.is_late


@time_machine.travel(BEFORE_DEADLINE)
def test_later_save_of_the_same_cell_is_refused_with_the_current_value(client, teacher, curator, journal):
    services.record_grade(
        by=curator, assessment=journal["assessment"], enrollment=journal["own"], text="4", expected_version=0
    )
    client.force_login(teacher)
    response = save(client, journal["assessment"], journal["own"], "5", version=0)  # teacher loaded it empty
    assert response.status_code == 409
    data = response.json()
    assert "Кураторов Павел" in data["error"] and "сейчас «4»" in data["error"]
    assert data["cell"]["value"] == "4" and data["cell"]["version"] == 1
    assert Grade.objects.get().value == "4"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="true concurrency needs a server database")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_one_wins_one_is_told(teacher, curator, world, scale):
    from zachetka.programs.models import TeachingAssignment

    group = world["mine"]
    module = TeachingAssignment.objects.get(group=group, teacher=teacher).module
    assessment = services.create_assessment(
        by=teacher, group=group, module=module, held_on=timezone.localdate(), title="Тест", scale=scale()
    )
    enrollment = world["enrollments"]["own"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def enter(user, text):
        barrier.wait()
        try:
            services.record_grade(
                by=user, assessment=assessment, enrollment=enrollment, text=text, expected_version=0
            )
            outcomes.append("saved")
        except services.GradeConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=enter, args=(teacher, "5")),
        threading.Thread(target=enter, args=(curator, "3")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert Grade.objects.count() == 1 and GradeChange.objects.count() == 1


@time_machine.travel(BEFORE_DEADLINE)
def test_locked_gradebook_is_read_only_except_for_the_administration(client, teacher, director, journal):
    grade = services.record_grade(
        by=teacher, assessment=journal["assessment"], enrollment=journal["own"], text="3", expected_version=0
    )
    services.lock_gradebook(
        by=director, group=journal["group"], module=journal["module"], reason="Приказ 5-у"
    )
    with pytest.raises(PermissionDenied, match="только администрация"):
        services.record_grade(
            by=teacher,
            assessment=journal["assessment"],
            enrollment=journal["own"],
            text="4",
            expected_version=1,
        )
    with pytest.raises(services.ReasonRequired):
        services.record_grade(
            by=director,
            assessment=journal["assessment"],
            enrollment=journal["own"],
            text="4",
            expected_version=1,
        )
    services.record_grade(
        by=director,
        assessment=journal["assessment"],
        enrollment=journal["own"],
        text="4",
        expected_version=1,
        reason="Ошибка ввода, ведомость от 10.11.2026",
    )
    grade.refresh_from_db()
    assert grade.value == "4"
    client.force_login(teacher)
    page = client.get(reverse("gradebook:grid", args=[journal["group"].pk, journal["module"].pk]))
    assert page.context["editable"] is False
    assert '"editable":false' in str(page.context["payload"])


def test_only_the_administration_locks(teacher, curator, journal):
    for user in (teacher, curator):
        with pytest.raises(PermissionDenied):
            services.lock_gradebook(by=user, group=journal["group"], module=journal["module"])


@time_machine.travel(BEFORE_DEADLINE)
def test_teacher_of_another_module_cannot_grade(client, make_user, journal):
    from zachetka.core import roles

    stranger = make_user(role=roles.TEACHER)
    client.force_login(stranger)
    assert save(client, journal["assessment"], journal["own"], "5").status_code == 404  # group not theirs
    from zachetka.programs.models import TeachingAssignment

    other_module = journal["group"].program.modules.exclude(pk=journal["module"].pk).first()
    TeachingAssignment.objects.create(group=journal["group"], module=other_module, teacher=stranger)
    response = save(client, journal["assessment"], journal["own"], "5")
    assert response.status_code == 403  # sees the group, does not teach this module
    assert not Grade.objects.exists()


@time_machine.travel(BEFORE_DEADLINE)
def test_learner_sees_only_own_grades_read_only(client, teacher, learner_user, journal):
    services.record_grade(
        by=teacher, assessment=journal["assessment"], enrollment=journal["own"], text="5", expected_version=0
    )
    services.record_grade(
        by=teacher,
        assessment=journal["assessment"],
        enrollment=journal["classmate"],
        text="2",
        expected_version=0,
    )
    client.force_login(learner_user)
    page = client.get(reverse("gradebook:my_grades"))
    entries = page.context["enrollments"]
    grades = [g for item in entries for module in item["modules"] for g in module["grades"]]
    assert [(g.enrollment_id, g.value) for g in grades] == [(journal["own"].pk, "5")]
    assert save(client, journal["assessment"], journal["own"], "2").status_code == 403
    grid_url = reverse("gradebook:grid", args=[journal["group"].pk, journal["module"].pk])
    assert client.get(grid_url).status_code == 403


@time_machine.travel(BEFORE_DEADLINE)
def test_fill_column_fills_only_empty_cells(teacher, journal, make_learner, make_enrollment, scale):
    extra = make_enrollment(make_learner(), journal["group"])
    services.record_grade(
        by=teacher, assessment=journal["assessment"], enrollment=journal["own"], text="н", expected_version=0
    )
    filled = services.fill_column(by=teacher, assessment=journal["assessment"], text="5")
    assert filled == 2
    values = dict(Grade.objects.values_list("enrollment_id", "value"))
    assert values == {journal["own"].pk: "н/я", journal["classmate"].pk: "5", extra.pk: "5"}


@time_machine.travel(BEFORE_DEADLINE)
def test_fill_column_with_a_bad_value_writes_nothing(teacher, journal):
    with pytest.raises(ValidationError):
        services.fill_column(by=teacher, assessment=journal["assessment"], text="отлично+")
    assert not Grade.objects.exists() and not GradeChange.objects.exists()


@time_machine.travel(BEFORE_DEADLINE)
def test_expelled_learner_takes_no_grades(teacher, journal):
    enrollment = journal["classmate"]
    enrollment.status, enrollment.expulsion_order_number = "expelled", "9-к"
    enrollment.expulsion_order_date = dt.date(2026, 11, 1)
    enrollment.save()
    with pytest.raises(ValidationError, match="отчислен"):
        services.record_grade(
            by=teacher, assessment=journal["assessment"], enrollment=enrollment, text="5", expected_version=0
        )


def test_grid_query_count_does_not_grow(client, teacher, journal, make_learner, make_enrollment, scale):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    url = reverse("gradebook:grid", args=[journal["group"].pk, journal["module"].pk])
    with time_machine.travel(BEFORE_DEADLINE):
        services.record_grade(
            by=teacher,
            assessment=journal["assessment"],
            enrollment=journal["own"],
            text="5",
            expected_version=0,
        )
    client.force_login(teacher)
    client.get(url)
    with CaptureQueriesContext(db) as small:
        assert client.get(url).status_code == 200
    with time_machine.travel(BEFORE_DEADLINE):
        for n in range(5):
            services.create_assessment(
                by=teacher,
                group=journal["group"],
                module=journal["module"],
                held_on=dt.date(2026, 11, 10),
                title=f"Т{n}",
                scale=scale(),
            )
        for _ in range(10):
            make_enrollment(make_learner(), journal["group"])
        services.fill_column(by=teacher, assessment=journal["assessment"], text="4")
    with CaptureQueriesContext(db) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_lock_and_unlock_pages(client, director, journal):
    url_args = [journal["group"].pk, journal["module"].pk]
    client.force_login(director)
    client.post(reverse("gradebook:lock", args=url_args), {"reason": "Приказ 7-у"})
    assert services.is_locked(*url_args)
    refused = client.post(reverse("gradebook:unlock", args=url_args), {"reason": ""}, follow=True)
    assert "Укажите основание" in refused.content.decode() and services.is_locked(*url_args)
    client.post(reverse("gradebook:unlock", args=url_args), {"reason": "Ошибочно закрыт"})
    assert not services.is_locked(*url_args)


# A save's whole request: the session, the user, their roles, the column with the rules that
# apply to it and its scale's values, the enrolment with the cell and the row's other cells (for
# the row's result), the cell's write, its history row, the audit event with the chain's head
# (read with the learner's key, then moved on), and the transaction around it (two statements).
SAVE_QUERIES = 8


def test_saving_a_new_cell_takes_a_fixed_number_of_queries(
    client, teacher, journal, django_assert_max_num_queries
):
    sealing.keys_for([journal["own"].learner_id])  # made when the learner was recorded
    client.force_login(teacher)
    with time_machine.travel(BEFORE_DEADLINE), django_assert_max_num_queries(SAVE_QUERIES):
        response = save(client, journal["assessment"], journal["own"], "4")
    assert response.status_code == 200 and response.json()["result"] == "80"
    grade = Grade.objects.get(assessment=journal["assessment"], enrollment=journal["own"])
    assert (grade.value, grade.version, grade.entered_by_id) == ("4", 1, teacher.pk)
    assert GradeChange.objects.filter(grade=grade, old_value="", new_value="4").exists()
    [event] = AuditEvent.objects.filter(action=audit.Action.GRADE_ENTERED).opened()
    assert event.learner_id == journal["own"].learner_id and event.data["after"]["value"] == "4"
    assert not list(audit.verify_chain())


def test_a_late_correction_takes_a_fixed_number_of_queries(
    client, teacher, journal, django_assert_max_num_queries
):
    with time_machine.travel(BEFORE_DEADLINE):
        grade = services.record_grade(
            by=teacher,
            assessment=journal["assessment"],
            enrollment=journal["own"],
            text="3",
            expected_version=0,
        )
    client.force_login(teacher)
    with time_machine.travel(AFTER_DEADLINE):
        with django_assert_max_num_queries(SAVE_QUERIES):
            refused = save(client, journal["assessment"], journal["own"], "5", version=grade.version)
        assert refused.status_code == 428
        with django_assert_max_num_queries(SAVE_QUERIES):
            response = save(client, journal["assessment"], journal["own"], "5", version=1, reason="Пересдача")
        assert response.status_code == 200 and response.json()["version"] == 2
        stale = save(client, journal["assessment"], journal["own"], "4", version=1, reason="Пересдача")
    assert stale.status_code == 409 and stale.json()["cell"]["value"] == "5"
    grade.refresh_from_db()
    assert (grade.value, grade.version, grade.is_late) == ("5", 2, False)
    assert [(c.old_value, c.new_value) for c in GradeChange.objects.filter(grade=grade).order_by("pk")] == [
        ("", "3"),
        ("3", "5"),
    ]
    [event] = AuditEvent.objects.filter(action=audit.Action.GRADE_CORRECTED).opened()
    assert event.data["before"] == {"value": "3"} and event.reason == "Пересдача"
    assert not list(audit.verify_chain())


def test_the_save_reads_the_lock_with_the_column(client, teacher, director, journal):
    services.lock_gradebook(
        by=director, group=journal["group"], module=journal["module"], reason="Приказ 5-у"
    )
    client.force_login(teacher)
    with time_machine.travel(BEFORE_DEADLINE):
        assert save(client, journal["assessment"], journal["own"], "4").status_code == 403
        client.force_login(director)
        assert save(client, journal["assessment"], journal["own"], "4").status_code == 428
        response = save(client, journal["assessment"], journal["own"], "4", reason="Ведомость от 10.11.2026")
    assert response.status_code == 200
    grade = Grade.objects.get(assessment=journal["assessment"], enrollment=journal["own"])
    assert (grade.value, grade.entered_by_id) == ("4", director.pk)


def test_the_group_curator_and_the_registry_save_through_the_page(client, curator, registrar, journal):
    with time_machine.travel(BEFORE_DEADLINE):
        client.force_login(curator)
        assert save(client, journal["assessment"], journal["own"], "4").status_code == 200
        client.force_login(registrar)
        response = save(client, journal["assessment"], journal["own"], "5", version=1)
    assert response.status_code == 200 and response.json()["by_id"] == registrar.pk


def test_the_saved_cell_answers_the_rows_result_as_the_grid_shows_it(client, teacher, journal, scale):
    with time_machine.travel(BEFORE_DEADLINE):
        columns = [
            services.create_assessment(
                by=teacher,
                group=journal["group"],
                module=journal["module"],
                held_on=dt.date(2026, 11, day),
                title=f"Работа {day}",
                scale=scale(GradingScale.Kind.HUNDRED_POINT),
                weight=weight,
            )
            for day, weight in ((9, Decimal("0.3")), (11, Decimal("2.5")), (12, Decimal(1)))
        ]
        for column, text in zip(columns, ("71", "н", ""), strict=True):
            services.record_grade(
                by=teacher, assessment=column, enrollment=journal["own"], text=text, expected_version=0
            )
        client.force_login(teacher)
        answers = [save(client, journal["assessment"], journal["own"], "4").json()["result"]]
        answers.append(save(client, journal["assessment"], journal["own"], "", version=1).json()["result"])
        answers.append(save(client, columns[0], journal["own"], "", version=1).json()["result"])
    grid = selectors.grid(teacher, journal["group"], journal["module"])
    [row] = [row for row in grid.rows if row.enrollment.pk == journal["own"].pk]
    assert answers[2] == str(row.result) == "0"  # only «н/я» (0 points) is left
    assert answers[0] == str(round((71 * 0.3 + 80 * 1 + 0 * 2.5) / 3.8))
    assert answers[1] == str(round((71 * 0.3) / 2.8))


@time_machine.travel(BEFORE_DEADLINE)
def test_the_database_writes_a_grade_s_history_whoever_writes_the_grade(teacher, director, journal):
    grade = services.record_grade(
        by=teacher, assessment=journal["assessment"], enrollment=journal["own"], text="3", expected_version=0
    )
    # Even a write that goes around the services leaves its history row (gradebook.guards).
    Grade.objects.filter(pk=grade.pk).update(
        value="5", entered_by=director, entered_at=timezone.now(), change_reason="Апелляция"
    )
    Grade.objects.filter(pk=grade.pk).update(points=100)  # the value is unchanged: no history row
    changes = list(GradeChange.objects.filter(grade=grade).order_by("pk"))
    assert [(c.old_value, c.new_value, c.changed_by_id, c.reason) for c in changes] == [
        ("", "3", teacher.pk, ""),
        ("3", "5", director.pk, "Апелляция"),
    ]


@time_machine.travel(BEFORE_DEADLINE)
def test_a_save_read_before_another_audited_write_is_chained_after_it(teacher, director, journal):
    sealing.keys_for([journal["own"].learner_id])
    audit.record(by=director, action=audit.Action.GROUP_UPDATED, subject=journal["group"])  # a head to read
    assessment, enrollment, head = selectors.cell_to_save(
        teacher, journal["assessment"].pk, journal["own"].pk
    )
    assert head is not None and head.subject_key is not None
    # Someone else's write is audited between that read and this save: the head has moved on.
    moved_to = audit.record(by=director, action=audit.Action.GROUP_UPDATED, subject=journal["group"]).seq
    services.record_grade(
        by=teacher,
        assessment=assessment,
        enrollment=enrollment,
        text="4",
        expected_version=0,
        audit_head=head,
    )
    [event] = AuditEvent.objects.filter(action=audit.Action.GRADE_ENTERED)
    assert event.seq == moved_to + 1
    assert Grade.objects.get().value == "4" and GradeChange.objects.count() == 1
    assert not list(audit.verify_chain())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="true concurrency needs a server database")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_read_the_same_audit_head_and_all_land_on_one_chain(teacher, world, scale):
    from zachetka.programs.models import Enrollment, TeachingAssignment

    group = world["mine"]
    module = TeachingAssignment.objects.get(group=group, teacher=teacher).module
    columns = [
        services.create_assessment(
            by=teacher,
            group=group,
            module=module,
            held_on=timezone.localdate(),
            title=f"Тест {n}",
            scale=scale(),
        )
        for n in range(6)
    ]
    enrollment = Enrollment.objects.filter(group=group).first()
    sealing.keys_for([enrollment.learner_id])
    barrier = threading.Barrier(len(columns))
    outcomes: list[str] = []

    def enter(column):
        try:
            assessment, cell_enrollment, head = selectors.cell_to_save(teacher, column.pk, enrollment.pk)
            barrier.wait()  # every save read the same head before any of them wrote
            services.record_grade(
                by=teacher,
                assessment=assessment,
                enrollment=cell_enrollment,
                text="5",
                expected_version=0,
                audit_head=head,
            )
            outcomes.append("saved")
        finally:
            connection.close()

    threads = [threading.Thread(target=enter, args=(column,)) for column in columns]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["saved"] * len(columns)
    assert Grade.objects.filter(enrollment=enrollment).count() == len(columns)
    assert GradeChange.objects.filter(grade__enrollment=enrollment).count() == len(columns)
    seqs = sorted(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert not list(audit.verify_chain())

"""Importing a Moodle export into a gradebook: preview, matching, all-or-nothing commit, rights."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from zachetka.core import audit
from zachetka.core.models import AuditEvent
from zachetka.gradebook import services as gradebook
from zachetka.gradebook.models import Grade
from zachetka.lms import moodle


def _values() -> dict[tuple[str, str], str]:
    return {
        (grade.assessment.title, grade.enrollment.learner.last_name): grade.value
        for grade in Grade.objects.select_related("assessment", "enrollment__learner")
    }


def test_preview_guesses_the_mapping_and_shows_every_value(
    client, teacher, moodle_course, preview, english_csv
):
    client.force_login(teacher)
    response = preview(english_csv)
    assert response.status_code == 200
    context = response.context
    assert context["mapping"] == {
        "column_6": moodle_course["essay"].pk,
        "column_7": moodle_course["test"].pk,
        "column_8": moodle_course["practice"].pk,
        "column_9": None,
    }
    rows = {row["learner"]: [cell["text"] for cell in row["cells"]] for row in context["rows"]}
    # Smirnova by e-mail, Petrov by the СНИЛС in «ID number»; «-» is no grade.
    assert rows == {
        "Смирнова Анна Сергеевна": ["85", "90", "зачтено"],
        "Петров Пётр Петрович": ["—", "72", "не зачтено"],
    }
    assert [(row.row, why) for row, why in context["plan"].unmatched] == [
        (4, "в группе нет слушателя с e-mail «maria.sidorova@example.org»")
    ]
    assert [e.learner.last_name for e in context["plan"].absent] == ["Кузнецов"]
    page = response.content.decode()
    assert "Строки файла без слушателя группы (1)" in page
    assert "Слушатели группы, которых нет в файле (1)" in page
    assert "Кузнецов Олег Ильич" in page
    assert not Grade.objects.exists()  # a preview writes nothing


def test_confirm_writes_every_grade_and_audits_it(
    client, teacher, moodle_course, preview, confirm, english_csv
):
    client.force_login(teacher)
    response = confirm(preview(english_csv))
    group, module = moodle_course["group"], moodle_course["module"]
    assert response.status_code == 302
    assert response.url == reverse("gradebook:grid", args=[group.pk, module.pk])
    assert _values() == {
        ("Эссе 1", "Смирнова"): "85",
        ("Итоговый тест", "Смирнова"): "90",
        ("Итоговый тест", "Петров"): "72",
        ("Зачёт по практике", "Смирнова"): "зачтено",
        ("Зачёт по практике", "Петров"): "не зачтено",
    }
    assert all(grade.entered_by == teacher for grade in Grade.objects.all())
    assert AuditEvent.objects.filter(action=audit.Action.GRADE_ENTERED).count() == 5
    summary = AuditEvent.objects.get(action=audit.Action.GRADES_IMPORTED)
    assert summary.subject_id == str(group.pk)
    assert summary.data["source"] == "Оценки.csv"
    assert (summary.data["created"], summary.data["updated"], summary.data["learners"]) == (5, 0, 2)
    assert list(audit.verify_chain()) == []
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Импорт из «Оценки.csv» выполнен: выставлено 5 оценок, исправлено — 0, без изменений — 0."
    ]
    # The staged file is gone: the same confirmation again is refused.
    assert client.post(response.wsgi_request.path, {}).status_code in (302, 405)


def test_russian_csv_with_decimal_commas(client, teacher, moodle_course, preview, confirm, russian_csv):
    client.force_login(teacher)
    response = preview(russian_csv)
    assert response.context["mapping"] == {
        "column_6": moodle_course["essay"].pk,
        "column_7": moodle_course["test"].pk,
        "column_8": None,
    }
    assert confirm(response).status_code == 302
    assert _values() == {
        ("Эссе 1", "Смирнова"): "85",
        ("Итоговый тест", "Смирнова"): "90",
        ("Итоговый тест", "Петров"): "72",
    }


def test_xlsx_upload(client, teacher, moodle_course, preview, confirm):
    book = Workbook()
    book.active.append(["First name", "Last name", "Email address", "Assignment: Эссе 1 (Real)"])
    book.active.append(["Анна", "Смирнова", "ANNA.SMIRNOVA@example.org", 77.0])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(teacher)
    response = preview(buffer.getvalue(), "grades.xlsx")
    assert confirm(response).status_code == 302
    assert _values() == {("Эссе 1", "Смирнова"): "77"}


def test_mapping_can_be_changed_and_one_assessment_takes_one_column(
    client, teacher, moodle_course, preview, english_csv
):
    client.force_login(teacher)
    essay = moodle_course["essay"].pk
    response = preview(
        english_csv, mapping={"column_6": "", "column_7": essay, "column_8": "", "column_9": essay}
    )
    assert response.status_code == 200
    assert "plan" not in response.context
    assert (
        "Это мероприятие уже выбрано для столбца «Quiz: Итоговый тест (Percentage)»"
        in response.content.decode()
    )
    response = preview(
        english_csv, mapping={"column_6": "", "column_7": essay, "column_8": "", "column_9": ""}
    )
    rows = {row["learner"]: [cell["text"] for cell in row["cells"]] for row in response.context["rows"]}
    assert rows == {"Смирнова Анна Сергеевна": ["90"], "Петров Пётр Петрович": ["72"]}


def test_moodle_points_are_refused_on_a_scale_of_named_values(
    client, teacher, moodle_course, preview, english_csv
):
    client.force_login(teacher)
    response = preview(
        english_csv,
        mapping={"column_6": "", "column_7": "", "column_8": "", "column_9": moodle_course["practice"].pk},
    )
    assert response.status_code == 422
    errors = [(e.row, e.column) for e in response.context["plan"].errors]
    assert errors == [(2, "Course total (Real)"), (3, "Course total (Real)")]
    message = response.context["plan"].errors[0].message
    assert message.startswith("«87.50» — число баллов Moodle, а «Зачёт по практике» оценивается по шкале")
    assert not response.context["may_commit"]


def test_one_bad_row_stops_the_whole_file(client, teacher, moodle_course, preview, confirm, english_csv):
    bad = english_csv.replace(b'"72.00 %"', b'"72.50 %"')
    client.force_login(teacher)
    response = preview(bad)
    assert response.status_code == 422
    assert [str(e) for e in response.context["plan"].errors] == [
        "строка 3, «Quiz: Итоговый тест (Percentage)»: «72.50 %» — дробное число, а на шкале «Стобалльная» "
        "баллы целые: округлите в Moodle или в файле."
    ]
    assert 'id="plan-errors"' in response.content.decode()
    # Even a confirmation made up by hand writes nothing.
    refused = confirm(response, overwrite="on")
    assert refused.status_code == 422
    assert not Grade.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="grade.").exists()


def _plan_now(teacher, course, content: bytes) -> moodle.Plan:  # noqa: ANN001
    """The file planned against the gradebook as it is now, with the suggested mapping."""
    from zachetka.lms import selectors

    group, module = course["group"], course["module"]
    gradebook_file = moodle.read_gradebook("grades.csv", content)
    assessments = selectors.assessments(teacher, group, module)
    return selectors.plan(
        group, gradebook_file, moodle.guess_mapping(gradebook_file.columns, assessments), assessments
    )


def test_a_failure_while_writing_undoes_the_cells_already_written(teacher, moodle_course, english_csv):
    """The plan is checked, but a cell changes after the preview: the cells before it, written
    in the same transaction, are undone too."""
    from zachetka.lms import services

    group, module = moodle_course["group"], moodle_course["module"]
    plan = _plan_now(teacher, moodle_course, english_csv)
    seen = plan.seen_versions()
    last = plan.to_write[-1]
    gradebook.record_grade(
        by=teacher, assessment=last.assessment, enrollment=last.enrollment, text="зачтено", expected_version=0
    )
    events = AuditEvent.objects.count()
    with pytest.raises(services.ImportRefused) as refused:
        services.import_grades(
            by=teacher,
            group=group,
            module=module,
            plan=plan,
            seen_versions=seen,
            overwrite=False,
            reason="",
            source="grades.csv",
        )
    assert [str(e) for e in refused.value.errors] == [
        "строка 3, «Assignment: Зачёт по практике (Real)»: оценку изменили после предпросмотра "
        "(сейчас «зачтено»): проверьте обновлённый предпросмотр и подтвердите снова"
    ]
    assert Grade.objects.count() == 1  # only the grade entered in the grid
    assert AuditEvent.objects.count() == events


def test_overwriting_a_grade_needs_a_confirmation(
    client, teacher, moodle_course, preview, confirm, english_csv
):
    gradebook.record_grade(
        by=teacher,
        assessment=moodle_course["essay"],
        enrollment=moodle_course["smirnova"],
        text="70",
        expected_version=0,
    )
    client.force_login(teacher)
    response = preview(english_csv)
    cells = response.context["rows"][0]["cells"]
    assert (cells[0]["text"], cells[0]["kind"]) == ("70 → 85", "change")
    assert response.context["change_count"] == "1 оценка"
    assert not response.context["needs_reason"]  # before the deadline
    refused = confirm(response)
    assert refused.status_code == 422
    assert "Файл меняет 1 выставленную оценку: подтвердите перезапись." in refused.content.decode()
    assert _values() == {("Эссе 1", "Смирнова"): "70"}
    assert confirm(response, overwrite="on").status_code == 302
    assert _values()[("Эссе 1", "Смирнова")] == "85"
    assert AuditEvent.objects.filter(action=audit.Action.GRADE_CORRECTED).count() == 1


def test_after_the_deadline_a_correction_needs_a_reason(
    client, teacher, moodle_course, preview, confirm, english_csv
):
    gradebook.record_grade(
        by=teacher,
        assessment=moodle_course["essay"],
        enrollment=moodle_course["smirnova"],
        text="70",
        expected_version=0,
    )
    with time_machine.travel(dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(teacher)
        response = preview(english_csv)
        assert response.context["needs_reason"]
        refused = confirm(response, overwrite="on")
        assert refused.status_code == 422
        assert [str(e) for e in refused.context["refusal"].errors] == [
            "строка 2, «Assignment: Эссе 1 (Real)»: Срок внесения оценок истёк 10.12.2026: "
            "укажите причину исправления."
        ]
        assert not AuditEvent.objects.filter(action=audit.Action.GRADES_IMPORTED).exists()
        assert confirm(response, overwrite="on", reason="Пересдача в Moodle").status_code == 302
    change = Grade.objects.get(assessment=moodle_course["essay"]).changes.first()
    assert (change.old_value, change.new_value, change.reason) == ("70", "85", "Пересдача в Moodle")


def test_same_learner_twice_is_an_error(client, teacher, moodle_course, preview):
    content = (
        '"First name","Last name","ID number","Email address","Quiz: Итоговый тест (Real)"\n'
        "Анна,Смирнова,,anna.smirnova@example.org,80.00\n"
        "Анна,Смирнова,,Anna.Smirnova@example.org,81.00\n"
    ).encode()
    client.force_login(teacher)
    response = preview(content)
    assert [str(e) for e in response.context["plan"].errors] == [
        "строка 3: Смирнова Анна Сергеевна уже найден в строке 2: слушатель должен быть в файле один раз"
    ]


def test_a_too_big_file_is_refused_before_it_is_read(
    client, teacher, moodle_course, upload, settings, monkeypatch
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    read = []
    monkeypatch.setattr(moodle.table, "read_table", lambda *args: read.append(args))
    client.force_login(teacher)
    response = upload(b"x" * (1024 * 1024 + 1))
    assert response.status_code == 422
    assert "Файл больше 1 МБ: разделите его на части." in response.content.decode()
    assert read == []


def test_not_an_export_is_refused_on_upload(client, teacher, moodle_course, upload):
    client.force_login(teacher)
    response = upload(b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png")
    assert response.status_code == 422
    assert "Неизвестный формат файла: загрузите XLSX или CSV." in response.content.decode()


def test_cancel_deletes_the_staged_file(client, teacher, moodle_course, preview, english_csv, settings):
    client.force_login(teacher)
    response = preview(english_csv)
    assert len(list(settings.IMPORT_STAGING_DIR.glob("*.upload"))) == 1
    group, module = moodle_course["group"], moodle_course["module"]
    cancelled = client.post(reverse("lms:gradebook_import_cancel", args=[group.pk, module.pk]))
    assert cancelled.status_code == 302
    assert list(settings.IMPORT_STAGING_DIR.glob("*.upload")) == []
    again = client.get(
        reverse("lms:gradebook_import_preview", args=[group.pk, module.pk]),
        {"token": response.context["token"]},
    )
    assert again.status_code == 302


@pytest.mark.parametrize("url_name", ["lms:gradebook_import", "lms:gradebook_import_preview"])
def test_a_teacher_of_another_group_does_not_see_it(client, world, moodle_course, url_name):
    client.force_login(world["other_teacher"])
    group, module = moodle_course["group"], moodle_course["module"]
    assert client.get(reverse(url_name, args=[group.pk, module.pk])).status_code == 404


def test_a_teacher_of_another_module_may_not_import(client, teacher, moodle_course, english_csv):
    group = moodle_course["group"]
    other_module = group.program.modules.exclude(pk=moodle_course["module"].pk).get()
    client.force_login(teacher)
    url = reverse("lms:gradebook_import", args=[group.pk, other_module.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": SimpleUploadedFile("g.csv", english_csv)}).status_code == 403


def test_a_file_staged_by_the_teacher_cannot_be_confirmed_by_another_teacher(
    client, teacher, world, moodle_course, preview, confirm, english_csv
):
    client.force_login(teacher)
    response = preview(english_csv)
    client.force_login(world["other_teacher"])
    assert confirm(response).status_code == 404
    assert not Grade.objects.exists()


def test_the_grid_links_to_the_import(client, teacher, learner_user, moodle_course):
    group, module = moodle_course["group"], moodle_course["module"]
    client.force_login(teacher)
    page = client.get(reverse("gradebook:grid", args=[group.pk, module.pk])).content.decode()
    assert reverse("lms:gradebook_import", args=[group.pk, module.pk]) in page


def test_a_closed_gradebook_takes_the_import_from_the_administration_only(
    client, teacher, director, moodle_course, preview, confirm, english_csv
):
    group, module = moodle_course["group"], moodle_course["module"]
    gradebook.lock_gradebook(by=director, group=group, module=module, reason="Ведомость подписана")
    client.force_login(teacher)
    response = preview(english_csv)
    assert response.context["closed_to_user"] and not response.context["may_commit"]
    assert "Журнал модуля закрыт: оценки в нём исправляет только администрация." in response.content.decode()
    refused = confirm(response)
    assert refused.status_code == 422
    assert "Журнал модуля закрыт: исправить оценку может только администрация." in refused.content.decode()
    assert not Grade.objects.exists()
    client.force_login(director)
    response = preview(english_csv)
    assert response.context["needs_reason"] and response.context["may_commit"]
    assert confirm(response, reason="Перенос из Moodle по служебной записке").status_code == 302
    assert Grade.objects.count() == 5


def test_a_grade_changed_after_the_preview_refuses_the_import_until_seen(
    client, teacher, curator, moodle_course, preview, confirm, english_csv
):
    client.force_login(teacher)
    response = preview(english_csv)
    # Meanwhile the curator types a grade into the grid.
    gradebook.record_grade(
        by=curator,
        assessment=moodle_course["test"],
        enrollment=moodle_course["petrov"],
        text="60",
        expected_version=0,
    )
    refused = confirm(response)
    assert refused.status_code == 422
    assert [str(e) for e in refused.context["refusal"].errors] == [
        "строка 3, «Quiz: Итоговый тест (Percentage)»: оценку изменили после предпросмотра "
        "(сейчас «60»): проверьте обновлённый предпросмотр и подтвердите снова"
    ]
    assert Grade.objects.count() == 1
    # The refusal page shows the record as it is now: confirmed from it, with the overwrite.
    cells = {row["learner"]: row["cells"][1]["text"] for row in refused.context["rows"]}
    assert cells["Петров Пётр Петрович"] == "60 → 72"
    assert confirm(refused, overwrite="on").status_code == 302
    assert _values()[("Итоговый тест", "Петров")] == "72"


def test_id_number_and_e_mail_of_different_learners_match_no_one(client, teacher, moodle_course, preview):
    snils_petrov = moodle_course["petrov_snils"]
    content = (
        '"First name","Last name","ID number","Email address","Quiz: Итоговый тест (Real)"\n'
        f'Анна,Смирнова,"{snils_petrov}",anna.smirnova@example.org,80.00\n'
        "Олег,Кузнецов,12345,OLEG@example.org,70.00\n"
    ).encode()
    client.force_login(teacher)
    response = preview(content)
    plan = response.context["plan"]
    assert [(row.row, why) for row, why in plan.unmatched] == [
        (
            2,
            f"по СНИЛС «{snils_petrov}» и по e-mail «anna.smirnova@example.org» найдены разные слушатели",
        )
    ]
    # «12345» is no СНИЛС: the e-mail (in any case) finds the learner.
    assert [row.enrollment.learner.last_name for row in plan.rows] == ["Кузнецов"]


def test_an_import_planned_again_after_it_was_written_records_nothing(teacher, moodle_course, english_csv):
    """A confirmation that reaches the server after the same import was written (sent twice at
    once) plans again and finds every grade in the gradebook: it is refused, and no second,
    empty «оценки импортированы» event joins the audit."""
    from django.core.exceptions import ValidationError

    from zachetka.lms import services

    group, module = moodle_course["group"], moodle_course["module"]

    def plan_now() -> moodle.Plan:
        return _plan_now(teacher, moodle_course, english_csv)

    def confirm(plan: moodle.Plan) -> None:
        services.import_grades(
            by=teacher,
            group=group,
            module=module,
            plan=plan,
            seen_versions=plan.seen_versions(),
            overwrite=False,
            reason="",
            source="grades.csv",
        )

    confirm(plan_now())
    events = AuditEvent.objects.count()
    again = plan_now()
    assert again.to_write == [] and not again.errors
    with pytest.raises(ValidationError) as refused:
        confirm(again)
    assert refused.value.messages == ["Все оценки файла уже в журнале: импортировать нечего."]
    assert AuditEvent.objects.count() == events
    assert AuditEvent.objects.filter(action=audit.Action.GRADES_IMPORTED).count() == 1

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zachetka.core import snils
from zachetka.gradebook import services as gradebook
from zachetka.gradebook.models import GradingScale
from zachetka.programs.models import TeachingAssignment

TODAY = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def moodle_course(world, teacher, make_learner, make_enrollment):
    """The teacher's group and module with three assessments, due after «today» (25.11.2026):
    «Эссе 1» and «Итоговый тест» on the hundred-point scale, «Зачёт по практике» pass/fail.

    Learners of the group: Смирнова (found by e-mail), Петров (by СНИЛС in «ID number»),
    Кузнецов (not in the files). Сидорова studies in another group."""
    group = world["mine"]
    module = TeachingAssignment.objects.get(group=group, teacher=teacher).module
    world["own"].email = "anna.smirnova@example.org"
    world["own"].save(update_fields=["email"])
    world["stranger"].email = "maria.sidorova@example.org"
    world["stranger"].save(update_fields=["email"])
    absent = make_learner(
        last_name="Кузнецов", first_name="Олег", middle_name="Ильич", email="oleg@example.org"
    )
    make_enrollment(absent, group)
    scales = {
        kind: GradingScale.objects.get(kind=kind) for kind in GradingScale.Kind.values if kind != "custom"
    }

    def assessment(title: str, kind: str):  # noqa: ANN202
        return gradebook.create_assessment(
            by=teacher,
            group=group,
            module=module,
            held_on=dt.date(2026, 11, 20),
            due_on=dt.date(2026, 12, 10),
            title=title,
            scale=scales[kind],
        )

    return {
        "group": group,
        "module": module,
        "essay": assessment("Эссе 1", GradingScale.Kind.HUNDRED_POINT),
        "test": assessment("Итоговый тест", GradingScale.Kind.HUNDRED_POINT),
        "practice": assessment("Зачёт по практике", GradingScale.Kind.PASS_FAIL),
        "smirnova": world["enrollments"]["own"],
        "petrov": world["enrollments"]["classmate"],
        "petrov_snils": snils.format_snils(world["classmate"].snils),
        "kuznetsov": absent,
    }


@pytest.fixture
def english_csv(moodle_course):
    """A Moodle 4.x «Export grades → Plain text file» in English, comma separated, as PHP's
    fputcsv writes it (a field with a space is quoted), with the UTF-8 BOM."""
    petrov_snils = moodle_course["petrov_snils"]
    text = (
        '"First name","Last name","ID number",Institution,Department,"Email address",'
        '"Assignment: Эссе 1 (Real)","Quiz: Итоговый тест (Percentage)",'
        '"Assignment: Зачёт по практике (Real)","Course total (Real)",'
        '"Last downloaded from this course"\n'
        'Анна,Смирнова,,"ГБОУ Школа № 1",,anna.smirnova@example.org,'
        '85.00,"90.00 %",Зачтено,87.50,1764061200\n'
        f'Пётр,Петров,"{petrov_snils}",,,p.petrov@mail.example,-,"72.00 %","Не зачтено",36.00,1764061200\n'
        'Мария,Сидорова,,,,maria.sidorova@example.org,60.00,"55.00 %",Зачтено,57.50,1764061200\n'
    )
    return "\ufeff".encode() + text.encode()


@pytest.fixture
def russian_csv(moodle_course):
    """The same export from a Russian Moodle: semicolons, decimal commas, no BOM."""
    petrov_snils = moodle_course["petrov_snils"]
    text = (
        'Имя;Фамилия;"Индивидуальный номер";"Учреждение (организация)";Отдел;'
        '"Адрес электронной почты";"Задание: Эссе 1 (Значение)";"Тест: Итоговый тест (Значение)";'
        '"Итоговая оценка за курс (Значение)";"Последняя загрузка из этого курса"\n'
        "Анна;Смирнова;;;;anna.smirnova@example.org;85,00;90,00;87,50;1764061200\n"
        f'Пётр;Петров;"{petrov_snils}";;;p.petrov@mail.example;-;72,00;36,00;1764061200\n'
    )
    return text.encode()


@pytest.fixture
def upload(client, moodle_course):
    def send(content: bytes, name: str = "Оценки.csv"):  # noqa: ANN202
        group, module = moodle_course["group"], moodle_course["module"]
        url = reverse("lms:gradebook_import", args=[group.pk, module.pk])
        return client.post(url, {"file": SimpleUploadedFile(name, content)})

    return send


@pytest.fixture
def preview(client, upload):
    """Upload a file and open its preview (with the guessed mapping, or `mapping`)."""

    def open_preview(content: bytes, name: str = "Оценки.csv", mapping: dict | None = None):  # noqa: ANN202
        response = upload(content, name)
        assert response.status_code == 302, response.content.decode()
        if mapping is None:
            return client.get(response.url)
        token = response.url.split("token=", 1)[1]
        return client.get(response.url.split("?", 1)[0], {"token": token, **mapping})

    return open_preview


@pytest.fixture
def confirm(client, moodle_course):
    """Confirm a preview as its form stands, with `extra` fields (overwrite, reason)."""

    def post(preview_response, **extra: object):  # noqa: ANN202
        context = preview_response.context
        data = {
            "token": context["token"],
            "seen": context["confirm"]["seen"].value(),
            **{key: value or "" for key, value in context["mapping"].items()},
            **extra,
        }
        group, module = moodle_course["group"], moodle_course["module"]
        return client.post(reverse("lms:gradebook_import_confirm", args=[group.pk, module.pk]), data)

    return post

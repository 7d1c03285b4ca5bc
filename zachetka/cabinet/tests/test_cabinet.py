"""Personal cabinets: opened by the registry with a one-time link by e-mail, a forgotten
password reset the same way, and a learner seeing only their own record everywhere."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zachetka.core import roles
from zachetka.gradebook import services as gradebook
from zachetka.gradebook.models import GradingScale
from zachetka.people.models import Learner


def _link(message) -> str:  # noqa: ANN001
    return re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)


def _logs_in(client, username: str, password: str) -> bool:  # noqa: ANN001
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response.url == "/"


def _set_password(client, link: str, password: str) -> None:  # noqa: ANN001
    path = "/" + link.split("/", 3)[3]
    response = client.get(path)  # Django swaps the token for a session key and redirects
    form_url = response.url if response.status_code == 302 else path
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")


def test_registrar_opens_a_cabinet_and_the_learner_sets_a_password(
    client, registrar, make_learner, world, django_capture_on_commit_callbacks
):
    learner = make_learner(
        last_name="Орлова", first_name="Вера", middle_name="Ивановна", sex="F", email="Orlova@Example.ru"
    )
    client.force_login(registrar)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cabinet:open_learner_cabinet", args=[learner.pk]))
    learner.refresh_from_db()
    user = learner.user
    assert user.username == "orlova@example.ru" and not user.has_usable_password()
    assert user.groups.filter(name=roles.LEARNER).exists()
    (message,) = mail.outbox
    assert message.to == ["Orlova@Example.ru"] and "Вера Ивановна" in message.body
    assert "orlova@example.ru" in message.body
    client.logout()
    _set_password(client, _link(message), "Надёжный-пароль-2026")
    assert _logs_in(client, "orlova@example.ru", "Надёжный-пароль-2026")
    # The link works once.
    client.logout()
    reused = client.get("/" + _link(message).split("/", 3)[3], follow=True)
    assert "Ссылка недействительна" in reused.content.decode()


def test_group_cabinets_are_all_or_nothing(
    client, registrar, world, make_learner, make_enrollment, django_capture_on_commit_callbacks
):
    group = world["mine"]
    Learner.objects.filter(pk=world["classmate"].pk).update(email="petrov@example.ru")
    nameless = make_enrollment(make_learner(last_name="Безпочтов", first_name="Иван", email=""), group)
    client.force_login(registrar)
    response = client.post(reverse("cabinet:open_group_cabinets", args=[group.pk]), follow=True)
    assert "Безпочтов Иван Иванович: нет адреса электронной почты" in response.content.decode()
    assert not User.objects.filter(username="petrov@example.ru").exists() and not mail.outbox
    Learner.objects.filter(pk=nameless.learner_id).update(email="bez@example.ru")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cabinet:open_group_cabinets", args=[group.pk]), follow=True)
    assert "Открыто кабинетов: 2" in response.content.decode()  # Смирнова already has one
    assert sorted(m.to[0] for m in mail.outbox) == ["bez@example.ru", "petrov@example.ru"]


def test_forgotten_password_is_reset_by_email(client, learner_user, world):
    learner_user.email = "smirnova@example.ru"
    learner_user.save()
    response = client.post(reverse("password_reset"), {"email": "smirnova@example.ru"})
    assert response.url == reverse("password_reset_done")
    (message,) = mail.outbox
    _set_password(client, _link(message), "Новый-пароль-слушателя-1")
    assert _logs_in(client, learner_user.username, "Новый-пароль-слушателя-1")


def test_cabinet_shows_the_learners_own_record(client, learner_user, world, teacher):
    assessment = world["assessments"]["mine"]
    gradebook.record_grade(
        by=teacher,
        assessment=assessment,
        enrollment=world["enrollments"]["own"],
        text="5",
        expected_version=0,
    )
    gradebook.record_grade(
        by=teacher,
        assessment=assessment,
        enrollment=world["enrollments"]["classmate"],
        text="2",
        expected_version=0,
    )
    client.force_login(learner_user)
    response = client.get(reverse("web:home"))
    assert response.url == reverse("cabinet:cabinet")
    page = client.get(reverse("cabinet:cabinet")).content.decode()
    assert "Смирнова Анна Сергеевна" in page and world["mine"].code in page
    assert ">5 из 5</span>" in page and "Петров" not in page and world["other"].code not in page
    assert reverse("cards:card_pdf", args=[world["enrollments"]["own"].pk]) in page


def test_current_grades_name_their_assessment_and_scale(client, learner_user, world, teacher, director):
    """A learner reads «Тест 1, 10.09.2026: 4 из 5», never a bare «4» or «87»."""
    own, group = world["enrollments"]["own"], world["mine"]
    module = group.program.modules.first()
    scales = {s.kind: s for s in GradingScale.objects.all()}
    extra = [
        gradebook.create_assessment(
            by=director,
            group=group,
            module=module,
            held_on=dt.date(2026, 9, day),
            title=title,
            scale=scales[kind],
        )
        for day, title, kind in (
            (15, "Кейс", "hundred_point"),
            (16, "Зачёт по теме", "pass_fail"),
            (17, "Опрос", "five_point"),
        )
    ]
    for assessment, text in zip([world["assessments"]["mine"], *extra], ["4", "87", "зач", "н"], strict=True):
        gradebook.record_grade(
            by=director, assessment=assessment, enrollment=own, text=text, expected_version=0
        )
    client.force_login(learner_user)
    page = client.get(reverse("cabinet:cabinet")).content.decode()
    labelled = re.findall(
        r'<span class="assessment">([^<]*):</span> <span class="grade[^"]*">([^<]*)</span>', page
    )
    assert labelled == [
        ("Тест 1, 10.09.2026", "4 из 5"),
        ("Кейс, 15.09.2026", "87 из 100"),
        ("Зачёт по теме, 16.09.2026", "зачтено (зачёт/незачёт)"),
        ("Опрос, 17.09.2026", "неявка"),
    ]
    mine = client.get(reverse("gradebook:my_grades")).content.decode()
    assert '<td data-label="Оценка">87 из 100</td>' in mine


def _all_url_names() -> list[str]:
    names: list[str] = []

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(
                        pattern.url_patterns,
                        f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                    )
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


@pytest.mark.parametrize("url_name", [n for n in _all_url_names() if "<" not in n])
def test_a_learner_never_reaches_another_learners_record(client, learner_user, world, url_name):
    """Every URL of the site, with another learner's ids wherever it takes one: a learner gets
    404, 403 or the log-in page — never another learner's data."""
    from django.urls import NoReverseMatch

    stranger = world["enrollments"]["stranger"]
    candidates = ([], [stranger.pk], [stranger.learner_id], [stranger.group_id], [world["other"].pk, 1])
    client.force_login(learner_user)
    for args in candidates:
        try:
            url = reverse(url_name, args=args)
        except NoReverseMatch:
            continue
        response = client.get(url)
        body = response.content.decode(errors="ignore") if response.status_code == 200 else ""
        assert "Сидорова" not in body, url
        # The API takes no session (401 without a token) and refuses a malformed request (400).
        assert response.status_code in (200, 302, 400, 401, 403, 404, 405), url


def test_a_mail_server_that_is_down_does_not_undo_the_cabinet(
    client, registrar, make_learner, world, monkeypatch, django_capture_on_commit_callbacks
):
    import smtplib

    from zachetka.cabinet import services

    def refuse(**kwargs: object) -> None:
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(services, "send_mail", refuse)
    learner = make_learner(last_name="Лебедева", first_name="Ольга", sex="F", email="lebedeva@example.ru")
    client.force_login(registrar)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cabinet:open_learner_cabinet", args=[learner.pk]))
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.user.username == "lebedeva@example.ru"

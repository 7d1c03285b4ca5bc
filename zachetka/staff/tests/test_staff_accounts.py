"""Staff accounts kept by the administration in the app: created with a one-time link to set
the password, edited, deactivated (never deleted), assigned to teach and curate; every change
audited; the organisation never left without an active administration account."""

import re
import smtplib
import threading
import time

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.urls import reverse

from zachetka.core import audit, roles
from zachetka.core.models import AuditEvent
from zachetka.programs.models import TeachingAssignment
from zachetka.staff import services
from zachetka.staff.models import StaffProfile

NEW_TEACHER = {
    "last_name": "Лебедева",
    "first_name": "Ксения",
    "middle_name": "Андреевна",
    "post": "Старший преподаватель",
    "email": "Lebedeva@Example.ru",
    "role_names": [roles.TEACHER],
    "username": "",
}


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):  # noqa: ANN001, ANN201
        raise smtplib.SMTPException("connection refused")


def _link(text: str) -> str:
    return re.search(r"https?://\S+/accounts/reset/[^\s<\"]+/", text).group(0)


def _set_password(client, link: str, password: str) -> None:  # noqa: ANN001
    path = "/" + link.split("/", 3)[3]
    response = client.get(path)  # Django swaps the token for a session key and redirects
    form_url = response.url if response.status_code == 302 else path
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")


def _logs_in(client, username: str, password: str) -> bool:  # noqa: ANN001
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response.url == "/"


def test_director_creates_a_teacher_who_sets_a_password_and_logs_in_with_the_role(client, director, world):
    client.force_login(director)
    response = client.post(reverse("staff:staff_create"), NEW_TEACHER)
    user = User.objects.get(last_name="Лебедева")
    assert response.status_code == 302 and response.url == reverse("staff:staff_detail", args=[user.pk])
    assert user.username == "lebedeva.ka" and user.first_name == "Ксения Андреевна"
    assert not user.has_usable_password()  # nobody typed a password for them
    assert list(user.groups.values_list("name", flat=True)) == [roles.TEACHER]
    assert StaffProfile.objects.get(user=user).post == "Старший преподаватель"
    (message,) = mail.outbox
    assert message.to == ["Lebedeva@Example.ru"] and "lebedeva.ka" in message.body
    assert "Ксения Андреевна" in message.body
    page = client.get(response.url).content.decode()
    assert "/accounts/reset/" not in page  # the mail went out: the page does not show the link
    event = AuditEvent.objects.get(action=audit.Action.STAFF_CREATED)
    assert event.data["after"]["roles"] == [roles.TEACHER] and event.actor_id == director.pk
    assert event.data["after"]["name"] == "Лебедева Ксения Андреевна"
    assert message.body.startswith("Здравствуйте, Ксения Андреевна!")

    client.logout()
    _set_password(client, _link(message.body), "Надёжный-пароль-2026")
    assert _logs_in(client, "lebedeva.ka", "Надёжный-пароль-2026")
    # Logged in as a teacher: the gradebook's sections, not the administration's.
    assert client.get(reverse("programs:group_list")).status_code == 200
    assert client.get(reverse("staff:staff_list")).status_code == 403


def test_a_failed_mail_shows_the_link_once_to_the_administration(client, director, settings):
    settings.EMAIL_BACKEND = "zachetka.staff.tests.test_staff_accounts.FailingBackend"
    client.force_login(director)
    response = client.post(reverse("staff:staff_create"), NEW_TEACHER, follow=True)
    page = response.content.decode()
    assert "письмо не отправлено" in page
    link = _link(page)
    assert "/accounts/reset/" not in client.get(response.request["PATH_INFO"]).content.decode()
    client.logout()
    _set_password(client, link, "Надёжный-пароль-2026")
    assert _logs_in(client, User.objects.get(last_name="Лебедева").username, "Надёжный-пароль-2026")


def test_bad_input_is_refused_with_russian_messages_naming_the_field(client, director, teacher):
    teacher.email = "taken@example.ru"
    teacher.save()
    client.force_login(director)
    data = {**NEW_TEACHER, "last_name": "Smith", "email": "TAKEN@example.ru", "username": "teacher"}
    page = client.post(reverse("staff:staff_create"), data).content.decode()
    assert "Фамилия: только русские буквы" in page
    assert "адрес TAKEN@example.ru уже у другой действующей учётной записи" in page
    assert "Логин «teacher» уже занят." in page
    assert not User.objects.filter(last_name="Smith").exists()
    # An address of a deactivated account may be given to a new one.
    teacher.is_active = False
    teacher.save()
    created = services.create_staff_member(
        by=director, **{**NEW_TEACHER, "email": "taken@example.ru", "username": "lebedeva"}
    )
    assert created.user.username == "lebedeva"


def test_generated_logins_do_not_collide(director):
    first = services.create_staff_member(by=director, **NEW_TEACHER).user
    second = services.create_staff_member(by=director, **{**NEW_TEACHER, "email": "k2@example.ru"}).user
    assert (first.username, second.username) == ("lebedeva.ka", "lebedeva.ka2")


def test_role_change_is_audited_with_old_and_new_roles(client, director, teacher):
    client.force_login(director)
    response = client.post(
        reverse("staff:staff_edit", args=[teacher.pk]),
        {"post": "Методист", "email": "orlov@example.ru", "role_names": [roles.TEACHER, roles.CURATOR]},
    )
    assert response.status_code == 302
    assert set(teacher.groups.values_list("name", flat=True)) == {roles.TEACHER, roles.CURATOR}
    event = AuditEvent.objects.get(action=audit.Action.STAFF_UPDATED)
    assert event.data["before"]["roles"] == [roles.TEACHER]
    assert event.data["after"]["roles"] == [roles.CURATOR, roles.TEACHER]
    assert event.data["after"]["post"] == "Методист"
    page = client.get(reverse("core:audit_list")).content.decode()
    assert "Данные сотрудника изменены" in page and "должность" in page and "роли" in page


def test_deactivation_blocks_log_in_and_is_undone_by_reactivation(client, director, teacher):
    client.force_login(teacher)
    assert client.get(reverse("programs:group_list")).status_code == 200
    services.deactivate_staff_member(by=director, user=teacher, reason="Приказ № 45-к об увольнении")
    # The open session ends and the password no longer opens the site.
    assert client.get(reverse("programs:group_list")).status_code == 302
    assert not _logs_in(client, "teacher", "pass-for-tests-1")
    teacher.refresh_from_db()
    assert not teacher.is_active and User.objects.filter(pk=teacher.pk).exists()
    assert teacher.staff_profile.deactivation_reason == "Приказ № 45-к об увольнении"
    event = AuditEvent.objects.get(action=audit.Action.STAFF_DEACTIVATED)
    assert event.reason == "Приказ № 45-к об увольнении" and event.subject_id == str(teacher.pk)

    services.reactivate_staff_member(by=director, user=teacher)
    assert _logs_in(client, "teacher", "pass-for-tests-1")
    assert AuditEvent.objects.filter(action=audit.Action.STAFF_REACTIVATED).count() == 1


def test_deactivation_needs_a_reason_and_never_oneself(client, director, make_user):
    client.force_login(director)
    response = client.post(
        reverse("staff:staff_deactivate", args=[director.pk]), {"reason": "Ухожу"}, follow=True
    )
    assert "Нельзя деактивировать собственную учётную запись." in response.content.decode()
    director.refresh_from_db()
    assert director.is_active
    other = make_user(role=roles.TEACHER)
    with pytest.raises(ValidationError, match="Укажите причину"):
        services.deactivate_staff_member(by=director, user=other, reason="  ")


def test_the_last_active_administration_account_stays(director, make_user):
    root = make_user("root", is_superuser=True)
    with pytest.raises(ValidationError, match="последняя действующая учётная запись администрации"):
        services.deactivate_staff_member(by=root, user=director, reason="Проверка")
    deputy = make_user("deputy", role=roles.ADMINISTRATION)
    with pytest.raises(ValidationError, match="с самого себя"):
        services.update_staff_member(
            by=director, user=director, post="", email="d@example.ru", role_names=[roles.STAFF]
        )
    services.deactivate_staff_member(by=director, user=deputy, reason="Приказ № 7-к")
    # The deputy is gone: taking the role from the director would leave nobody.
    with pytest.raises(ValidationError, match="последняя действующая"):
        services.update_staff_member(
            by=root, user=director, post="", email="d@example.ru", role_names=[roles.STAFF]
        )
    director.refresh_from_db()
    assert director.is_active and director.groups.filter(name=roles.ADMINISTRATION).exists()


def _hold_the_first_writer_until_the_other_waits(**kwargs: object) -> None:
    """Keep the first deactivation's transaction open (its event recorded, not yet committed)
    until the other request waits on a lock: without the administration lock, both checks
    would then have passed on the same old state."""
    if _held.is_set():
        return
    _held.set()
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)


_held = threading.Event()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="true concurrency needs a server database")
@pytest.mark.django_db(transaction=True)
def test_two_last_admins_deactivating_each_other_at_once_one_succeeds(make_user):
    first = make_user("admin_a", role=roles.ADMINISTRATION)
    second = make_user("admin_b", role=roles.ADMINISTRATION)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    _held.clear()
    audit.events_recorded.connect(_hold_the_first_writer_until_the_other_waits, dispatch_uid="race")

    def deactivate(by: User, user: User) -> None:
        barrier.wait()
        try:
            services.deactivate_staff_member(by=by, user=user, reason="Одновременно")
            outcomes.append("deactivated")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=deactivate, args=(first, second)),
        threading.Thread(target=deactivate, args=(second, first)),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        audit.events_recorded.disconnect(dispatch_uid="race")
    assert sorted(outcomes) == ["deactivated", "refused"]
    assert User.objects.filter(is_active=True, groups__name=roles.ADMINISTRATION).count() == 1


def test_only_the_administration_keeps_staff(registrar, teacher):
    with pytest.raises(PermissionDenied):
        services.create_staff_member(by=registrar, **NEW_TEACHER)
    with pytest.raises(PermissionDenied):
        services.deactivate_staff_member(by=registrar, user=teacher, reason="Нет")


def test_teaching_and_curatorship_from_the_staff_page(
    client, director, teacher, curator, make_group, make_user
):
    group = make_group(code="ПК-2026-77")
    module = group.program.modules.first()
    client.force_login(director)
    page = client.get(reverse("staff:staff_detail", args=[teacher.pk])).content.decode()
    assert "ПК-2026-77" in page and "Назначить преподавателем" in page
    client.post(
        reverse("staff:assignment_create", args=[teacher.pk]), {"group_module": f"{group.pk}:{module.pk}"}
    )
    assignment = TeachingAssignment.objects.get(group=group, teacher=teacher)
    assert AuditEvent.objects.filter(action=audit.Action.TEACHER_ASSIGNED, subject_id=str(group.pk)).exists()
    client.post(reverse("staff:assignment_delete", args=[assignment.pk]))
    assert not TeachingAssignment.objects.filter(group=group, teacher=teacher).exists()

    client.post(reverse("staff:curatorship_create", args=[curator.pk]), {"group": group.pk})
    group.refresh_from_db()
    assert group.curator == curator
    client.post(reverse("staff:curatorship_delete", args=[group.pk]))
    group.refresh_from_db()
    assert group.curator is None


def test_only_active_staff_with_the_right_role_are_chosen(director, teacher, curator, make_group):
    group = make_group()
    module = group.program.modules.first()
    with pytest.raises(ValidationError, match="нет роли «Педагогический работник»"):
        services.assign_teaching(by=director, user=curator, group=group, module=module)
    with pytest.raises(ValidationError, match="нет роли «Куратор программы»"):
        services.make_curator(by=director, user=teacher, group=group)
    services.deactivate_staff_member(by=director, user=teacher, reason="Приказ № 3-к")
    teacher.refresh_from_db()
    with pytest.raises(ValidationError, match="деактивирована"):
        services.assign_teaching(by=director, user=teacher, group=group, module=module)


def test_the_list_filters_by_role_status_and_name(client, director, registrar, curator, teacher):
    services.deactivate_staff_member(by=director, user=teacher, reason="Приказ № 3-к")
    client.force_login(director)

    def names_on(**query: str) -> list[str]:
        rows = client.get(reverse("staff:staff_list"), query).context["rows"]
        return [row.user.username for row in rows]

    assert names_on() == ["director", "curator", "registrar"]  # active by default, by surname
    assert names_on(active="inactive") == ["teacher"]
    assert names_on(role=roles.CURATOR, active="all") == ["curator"]
    assert names_on(q="КУРАТОР", active="all") == ["curator"]


def test_a_new_link_is_sent_on_request_and_the_old_one_dies_once_used(client, director, teacher):
    teacher.email = "orlov@example.ru"
    teacher.save()
    client.force_login(director)
    response = client.post(reverse("staff:invitation_send", args=[teacher.pk]))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["orlov@example.ru"]
    client.logout()
    _set_password(client, _link(message.body), "Новый-пароль-2026")
    assert _logs_in(client, "teacher", "Новый-пароль-2026")
    client.logout()
    reused = client.get("/" + _link(message.body).split("/", 3)[3], follow=True)
    assert "Ссылка недействительна" in reused.content.decode()


def test_the_edit_page_names_the_roles_field_when_refusing(client, director):
    client.force_login(director)
    page = client.post(
        reverse("staff:staff_edit", args=[director.pk]),
        {"post": "Директор", "email": "director@example.ru", "role_names": [roles.STAFF]},
    ).content.decode()
    assert "Нельзя снять роль «Администрация» с самого себя." in page
    assert director.groups.filter(name=roles.ADMINISTRATION).exists()

"""A commission's sitting: who of its members was present (a quorum, the chair and the
secretary), every member present signs, a change withdraws the signatures given, the database
keeps a signed protocol's attendance as signed, and the PDF lists those present with a signature
line each."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from zachetka.attestation import pdf, services
from zachetka.attestation.models import Protocol, ProtocolMember
from zachetka.core import roles
from zachetka.core.models import AuditEvent
from zachetka.programs.models import Enrollment


@pytest.fixture
def final(course, pass_all_modules, draw_up_final, director):
    """The course's final protocol drawn up, every result entered (all pass)."""
    pass_all_modules()
    protocol = draw_up_final()
    for key, text in (("own", "5"), ("classmate", "4"), ("third", "4")):
        services.set_result(by=director, protocol=protocol, enrollment=course[key], text=text)
    return protocol


def _refresh(protocol: Protocol) -> Protocol:
    return Protocol.objects.get(pk=protocol.pk)


def test_the_commission_is_seated_on_the_protocol_none_marked_present(final, course, teacher):
    seats = {m.user_id: (m.role, m.is_present, m.signed_at) for m in final.members.all()}
    assert seats == {
        course["chair"].pk: ("chair", False, None),
        course["secretary"].pk: ("secretary", False, None),
        teacher.pk: ("member", False, None),
    }
    with pytest.raises(ValidationError, match="не отмечены среди присутствовавших"):
        services.sign_protocol(by=course["chair"], protocol=final)


def test_the_chair_and_the_secretary_must_be_present(final, course, director, teacher):
    services.set_attendance(by=director, protocol=final, present=[course["chair"].pk, teacher.pk])
    with pytest.raises(
        ValidationError, match=r"Не отмечены присутствующими: секретарь \(Петрова Секретарь\)"
    ):
        services.sign_protocol(by=course["chair"], protocol=final)
    assert _refresh(final).chair_signed_at is None


def test_more_than_half_of_the_commission_makes_a_quorum(
    course, pass_all_modules, director, make_user, make_learner
):
    """Five members: the chair and the secretary alone (2 of 5) are no quorum; a third makes it."""
    pass_all_modules()
    extra = [make_user(role=roles.TEACHER) for _ in range(3)]
    commission = services.create_commission(
        by=director,
        title="Большая комиссия",
        order_number="16-о",
        order_date=dt.date(2026, 9, 2),
        chair=course["chair"],
        secretary=course["secretary"],
        members=extra,
        group=course["group"],
    )
    protocol = services.create_final_protocol(
        by=director,
        group=course["group"],
        held_on=dt.date(2026, 11, 25),
        form="exam",
        commission=commission,
        scale=course["five"],
    )
    for key in ("own", "classmate", "third"):
        services.set_result(by=director, protocol=protocol, enrollment=course[key], text="5")
    officers = [course["chair"].pk, course["secretary"].pk]
    services.set_attendance(by=director, protocol=protocol, present=officers)
    with pytest.raises(ValidationError, match="Нет кворума: присутствуют 2 из 5 членов комиссии"):
        services.sign_protocol(by=course["chair"], protocol=protocol)
    services.set_attendance(by=director, protocol=protocol, present=[*officers, extra[0].pk])
    services.sign_protocol(by=course["chair"], protocol=protocol)
    services.sign_protocol(by=course["secretary"], protocol=protocol)
    assert _refresh(protocol).status == Protocol.Status.DRAFT  # the third member present has not signed
    services.sign_protocol(by=extra[0], protocol=protocol)
    assert _refresh(protocol).status == Protocol.Status.SIGNED


def test_the_quorum_is_a_setting(final, course, director, settings):
    settings.COMMISSION_QUORUM = 0.7  # more than 2.1 of 3: all three
    services.set_attendance(by=director, protocol=final, present=[course["chair"].pk, course["secretary"].pk])
    with pytest.raises(ValidationError, match="нужно не менее 3"):
        services.sign_protocol(by=course["chair"], protocol=final)


def test_every_member_present_signs_and_an_absent_one_may_not(final, course, director, teacher):
    services.set_attendance(by=director, protocol=final, present=[course["chair"].pk, course["secretary"].pk])
    with pytest.raises(ValidationError, match="не отмечены среди присутствовавших"):
        services.sign_protocol(by=teacher, protocol=final)
    services.set_attendance(
        by=director, protocol=final, present=[course["chair"].pk, course["secretary"].pk, teacher.pk]
    )
    services.sign_protocol(by=course["chair"], protocol=final)
    with pytest.raises(ValidationError, match="уже подписали"):
        services.sign_protocol(by=course["chair"], protocol=final)
    services.sign_protocol(by=course["secretary"], protocol=final)
    assert _refresh(final).status == Protocol.Status.DRAFT  # the member present has not signed yet
    services.sign_protocol(by=teacher, protocol=final)
    signed = _refresh(final)
    assert signed.status == Protocol.Status.SIGNED and signed.chair_signed_at and signed.secretary_signed_at
    assert all(m.signed_at for m in signed.members.all())
    assert Enrollment.objects.get(pk=course["own"].pk).outcome == Enrollment.Outcome.PASSED


def test_changing_attendance_or_results_withdraws_the_signatures_given(final, course, director, teacher):
    everyone = [course["chair"].pk, course["secretary"].pk, teacher.pk]
    services.set_attendance(by=director, protocol=final, present=everyone)
    services.sign_protocol(by=course["chair"], protocol=final)
    services.sign_protocol(by=teacher, protocol=final)
    services.set_attendance(by=director, protocol=final, present=everyone[:2])
    protocol = _refresh(final)
    assert protocol.chair_signed_at is None
    assert not protocol.members.filter(signed_at__isnull=False).exists()
    event = AuditEvent.objects.filter(action="protocol.attendance_set").latest("seq")
    assert event.data["after"]["present"] == sorted(everyone[:2])
    assert event.data["signatures_withdrawn"] == ["chair_signed_at", f"member:{teacher.pk}"]
    services.set_attendance(by=director, protocol=final, present=everyone)
    services.sign_protocol(by=teacher, protocol=final)
    services.set_result(by=director, protocol=final, enrollment=course["third"], text="3")
    assert not final.members.filter(signed_at__isnull=False).exists()
    event = AuditEvent.objects.filter(action="protocol.result_set").latest("seq")
    assert event.data["signatures_withdrawn"] == [f"member:{teacher.pk}"]


def test_only_the_registry_the_curator_and_the_author_mark_attendance(final, course, teacher, curator):
    with pytest.raises(PermissionDenied):
        services.set_attendance(by=teacher, protocol=final, present=[teacher.pk])
    with pytest.raises(ValidationError, match="только члена комиссии"):
        services.set_attendance(by=curator, protocol=final, present=[curator.pk])
    services.set_attendance(by=curator, protocol=final, present=[course["chair"].pk])
    assert list(final.members.filter(is_present=True).values_list("user_id", flat=True)) == [
        course["chair"].pk
    ]


def test_attendance_is_marked_on_the_protocols_page(client, final, course, curator, teacher):
    final.refresh_from_db()
    detail = reverse("attestation:protocol_detail", args=[final.pk])
    attendance = reverse("attestation:protocol_attendance", args=[final.pk])
    present = {"version": final.version, "present": [course["chair"].pk, course["secretary"].pk]}
    client.force_login(teacher)
    assert client.post(attendance, present).status_code == 403
    client.force_login(curator)
    page = client.get(detail).content.decode()
    assert f'name="present" value="{teacher.pk}"' in page
    assert "Присутствуют 0 из 3; председатель и секретарь должны присутствовать." in page
    response = client.post(attendance, present, follow=True)
    assert "Присутствие отмечено: 2 из 3 членов комиссии." in response.content.decode()
    assert "кворум есть" in response.content.decode()
    assert set(final.members.filter(is_present=True).values_list("user_id", flat=True)) == {
        course["chair"].pk,
        course["secretary"].pk,
    }
    stale = client.post(attendance, present | {"present": [teacher.pk]}, follow=True)
    assert "изменил другой пользователь" in stale.content.decode()
    assert not final.members.filter(user=teacher, is_present=True).exists()


def test_the_database_keeps_a_signed_protocols_attendance(final, course, director, teacher):
    services.set_attendance(by=director, protocol=final, present=[course["chair"].pk, course["secretary"].pk])
    services.sign_protocol(by=course["chair"], protocol=final)
    services.sign_protocol(by=course["secretary"], protocol=final)
    attempts = [
        lambda: ProtocolMember.objects.filter(protocol=final, user=teacher).update(is_present=True),
        lambda: ProtocolMember.objects.filter(protocol=final).update(signed_at=None),
        lambda: ProtocolMember.objects.create(protocol=final, user=director, role="member"),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            ProtocolMember.objects.filter(protocol=final)._raw_delete(connection.alias)
    assert final.members.filter(is_present=True).count() == 2
    assert not final.members.filter(signed_at__isnull=True, is_present=True).exists()


def test_protocol_pdf_lists_those_present_with_a_signature_line_each(
    final, course, director, teacher, pdf_text
):
    services.set_attendance(by=director, protocol=final, present=[course["chair"].pk, course["secretary"].pk])
    text = pdf_text(pdf.render_protocol_pdf(final))
    # pdftotext reads a two-column table column by column: the roles, then the names.
    assert (
        "Присутствовали (2 из 3, кворум имеется): Председатель Секретарь Иванова Председатель Петрова" in text
    )
    assert "Отсутствовали: Преподавательская Ирина." in text
    # A signature line for each member present, the typed name after it; none for the absent one.
    assert "Аттестовано: 3 из 3. Председатель П. Иванова Секретарь С. Петрова стр." in text
    assert "Член комиссии И. Преподавательская" not in text  # the absent member signs nothing
    services.set_attendance(
        by=director, protocol=final, present=[course["chair"].pk, course["secretary"].pk, teacher.pk]
    )
    text = pdf_text(pdf.render_protocol_pdf(final))
    assert "Председатель П. Иванова Член комиссии И. Преподавательская Секретарь С. Петрова" in text
    assert "Отсутствовали" not in text

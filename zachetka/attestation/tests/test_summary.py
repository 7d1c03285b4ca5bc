import datetime as dt

from zachetka.attestation import selectors, services


def test_summary_takes_the_last_signed_result_of_each_module(course, teacher):
    first = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 20)
    )
    for enrollment, text in (
        (course["own"], "зачтено"),
        (course["classmate"], "н"),
        (course["third"], "зачтено"),
    ):
        services.set_result(by=teacher, protocol=first, enrollment=enrollment, text=text)
    services.sign_protocol(by=teacher, protocol=first)
    retake = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 27), attempt=2
    )
    services.set_result(by=teacher, protocol=retake, enrollment=course["classmate"], text="зачтено")
    draft = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["exam"], held_on=dt.date(2026, 11, 28)
    )
    services.set_result(
        by=teacher, protocol=draft, enrollment=course["own"], text="5"
    )  # a draft does not count

    summary = selectors.group_summary(teacher, course["group"].pk)
    assert [m.pk for m in summary.modules] == [course["credit"].pk, course["exam"].pk]
    rows = {row.enrollment.pk: row for row in summary.rows}
    assert rows[course["own"].pk].intermediate == ["зачтено", "—"]
    assert rows[course["classmate"].pk].intermediate == ["н/я", "—"]  # the retake is not signed yet
    assert rows[course["classmate"].pk].open_debts == 1
    services.sign_protocol(by=teacher, protocol=retake)
    rows = {row.enrollment.pk: row for row in selectors.group_summary(teacher, course["group"].pk).rows}
    assert rows[course["classmate"].pk].intermediate == ["зачтено", "—"]
    assert rows[course["classmate"].pk].open_debts == 0
    assert rows[course["classmate"].pk].final == "—"


def test_debts_and_admission_pages(client, course, teacher):
    from django.urls import reverse

    statement = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 20)
    )
    for enrollment, text in (
        (course["own"], "зачтено"),
        (course["classmate"], "н"),
        (course["third"], "зачтено"),
    ):
        services.set_result(by=teacher, protocol=statement, enrollment=enrollment, text=text)
    services.sign_protocol(by=teacher, protocol=statement)
    client.force_login(teacher)
    debts = client.get(reverse("attestation:group_debts", args=[course["group"].pk])).content.decode()
    assert "Петров Пётр Петрович" in debts and "20.12.2026" in debts and "не ликвидирована" in debts
    assert "Смирнова" not in debts
    admission = client.get(reverse("attestation:group_admission", args=[course["group"].pk])).content.decode()
    assert "Допущено: 0 из 3" in admission  # the exam module is not attested yet
    assert "академическая задолженность по модулю «Введение»" in admission

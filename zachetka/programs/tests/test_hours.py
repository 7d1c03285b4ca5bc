"""A program's hours: the minimums of ДПП (п. 18 of the Порядок, приказ Минобрнауки России от
24.03.2025 № 266; settings), and modules that never add up to more than their program; the
program kinds by their names in 273-ФЗ."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zachetka.programs import services
from zachetka.programs.models import Module, Program


def _program(director, **fields):  # noqa: ANN001, ANN003, ANN202
    values = {"title": "Программа", "kind": Program.Kind.QUALIFICATION_UPGRADE, "hours": 16} | fields
    return services.create_program(by=director, **values)


@pytest.mark.parametrize(
    ("kind", "hours", "minimum"),
    [(Program.Kind.QUALIFICATION_UPGRADE, 15, "16 часов"), (Program.Kind.RETRAINING, 249, "250 часов")],
)
def test_dpp_shorter_than_the_minimum_is_refused(director, kind, hours, minimum):
    with pytest.raises(ValidationError) as refused:
        _program(director, kind=kind, hours=hours, qualification="Менеджер")
    [message] = refused.value.message_dict["hours"]
    assert f"не менее {minimum}" in message and "п. 18 Порядка" in message and "№ 266" in message
    assert not Program.objects.exists()
    program = _program(director, kind=kind, hours=hours + 1, qualification="Менеджер")
    with pytest.raises(ValidationError, match=minimum):
        services.update_program(by=director, program=program, expected_version=1, hours=hours)
    program.refresh_from_db()
    assert program.hours == hours + 1


def test_the_minimums_are_settings(director, settings):
    settings.MIN_HOURS_PK = 36
    with pytest.raises(ValidationError, match="не менее 36 часов"):
        _program(director, hours=24)
    settings.MIN_HOURS_PP = 500
    with pytest.raises(ValidationError, match="не менее 500 часов"):
        _program(director, kind=Program.Kind.RETRAINING, hours=256, qualification="Менеджер")
    # Other kinds have no minimum of the Порядок.
    assert _program(director, kind=Program.Kind.OTHER, hours=2).hours == 2


def test_the_program_form_names_the_minimum_on_the_hours_field(client, registrar):
    client.force_login(registrar)
    response = client.post(
        reverse("programs:program_create"),
        {"title": "Короткая", "kind": "pk", "hours": 8, "study_form": "full_time", "is_active": "on"},
    )
    assert "не менее 16 часов" in response.context["form"].errors["hours"][0]
    assert not Program.objects.exists()


def test_modules_never_add_up_to_more_than_the_program(director):
    program = _program(director, hours=24)
    services.create_module(by=director, program=program, order=1, title="Первый", hours=16)
    with pytest.raises(ValidationError) as refused:
        services.create_module(by=director, program=program, order=2, title="Второй", hours=10)
    assert "составят 26 ч, а объём программы — 24 ч" in refused.value.message_dict["hours"][0]
    second = services.create_module(by=director, program=program, order=2, title="Второй", hours=8)
    with pytest.raises(ValidationError, match="составят 25 ч"):
        services.update_module(by=director, module=second, expected_version=1, hours=9)
    services.update_module(by=director, module=second, expected_version=1, title="Второй модуль")
    with pytest.raises(ValidationError, match="составляют 24 ч"):
        services.update_program(by=director, program=program, expected_version=1, hours=20)
    assert list(Module.objects.values_list("hours", flat=True)) == [16, 8]
    assert Program.objects.get().hours == 24


def test_the_module_form_refuses_hours_beyond_the_program(client, registrar, director):
    program = _program(director, hours=16)
    client.force_login(registrar)
    response = client.post(
        reverse("programs:module_create", args=[program.pk]),
        {"order": 1, "title": "Всё и сразу", "hours": 17, "attestation_form": "credit"},
    )
    assert "не может превышать объём программы" in response.context["form"].errors["hours"][0]
    assert not program.modules.exists()


def test_program_kinds_carry_the_laws_names(client, registrar, director):
    assert dict(Program.Kind.choices) == {
        "pk": "программа повышения квалификации",
        "pp": "программа профессиональной переподготовки",
        "po": "программа профессионального обучения",
        "other": "дополнительная общеразвивающая программа",
    }
    program = _program(director, kind=Program.Kind.OTHER, title="Оказание первой помощи")
    client.force_login(registrar)
    page = client.get(program.get_absolute_url()).content.decode()
    assert "дополнительная общеразвивающая программа" in page and "краткосрочный" not in page
    assert program.completion_document == "сертификат об обучении"  # the document it gives is kept


@pytest.mark.django_db(transaction=True)
def test_hours_and_curators_change_in_one_transaction(director, curator, make_program):
    """As in a real request (autocommit): the program and its curators change together."""
    program = make_program()
    services.update_program(
        by=director, program=program, expected_version=program.version, hours=80, curators=[curator]
    )
    program.refresh_from_db()
    assert program.hours == 80 and list(program.curators.all()) == [curator]

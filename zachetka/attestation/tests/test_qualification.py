"""The qualification a final protocol awards: vocational training (ПО) ends in a qualification
exam only (273-ФЗ art. 74 ч. 1) and awards each passing learner a grade (разряд, класс,
категория); for ПП and ПО the commission's decision names the qualification, on the page and in
the PDF."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zachetka.attestation import pdf, services
from zachetka.attestation.models import Protocol
from zachetka.programs.models import Program

PROFESSION = "Слесарь-ремонтник"


def _make(program: Program, **fields: object) -> None:
    for name, value in fields.items():
        setattr(program, name, value)
    program.save()


@pytest.fixture
def vocational(course, pass_all_modules):
    """The course as vocational training: its program teaches the profession of a fitter."""
    _make(course["group"].program, kind=Program.Kind.VOCATIONAL, qualification=PROFESSION)
    pass_all_modules()
    return course


def _final(course, director, form: str) -> Protocol:
    return services.create_final_protocol(
        by=director,
        group=course["group"],
        held_on=dt.date(2026, 11, 25),
        form=form,
        commission=course["commission"],
        scale=course["five"],
    )


def _sign(protocol: Protocol, course, director) -> Protocol:  # noqa: ANN001
    services.set_attendance(
        by=director, protocol=protocol, present=[course["chair"].pk, course["secretary"].pk]
    )
    services.sign_protocol(by=course["chair"], protocol=protocol)
    return services.sign_protocol(by=course["secretary"], protocol=protocol)


@pytest.mark.parametrize("form", ["exam", "defense", "test"])
def test_vocational_training_ends_in_a_qualification_exam_only(vocational, director, form):
    with pytest.raises(ValidationError, match="ч. 1 ст. 74"):
        _final(vocational, director, form)
    assert not Protocol.objects.filter(kind=Protocol.Kind.FINAL).exists()


def test_a_qualification_exam_is_for_vocational_training_only(course, pass_all_modules, director):
    pass_all_modules()
    with pytest.raises(ValidationError, match="программам профессионального обучения"):
        _final(course, director, Protocol.FinalForm.QUALIFICATION_EXAM)


def test_the_form_offers_the_qualification_exam_alone_for_vocational_training(client, vocational, curator):
    client.force_login(curator)
    url = reverse("attestation:final_protocol_create", args=[vocational["group"].pk])
    form = client.get(url).context["form"]
    assert [value for value, _ in form.fields["form"].choices] == ["qual_exam"]
    response = client.post(
        url,
        {
            "held_on": "25.11.2026",
            "form": "exam",
            "commission": vocational["commission"].pk,
            "scale": vocational["five"].pk,
        },
    )
    assert response.status_code == 200 and not Protocol.objects.filter(kind=Protocol.Kind.FINAL).exists()


def test_each_passing_learner_gets_a_grade_before_signing(vocational, director):
    protocol = _final(vocational, director, Protocol.FinalForm.QUALIFICATION_EXAM)
    for key, text in (("own", "5"), ("classmate", "4"), ("third", "2")):
        services.set_result(by=director, protocol=protocol, enrollment=vocational[key], text=text)
    with pytest.raises(
        ValidationError, match=r"разряд, класс или категория \(Петров П. П., Смирнова А. С.\)"
    ):
        _sign(protocol, vocational, director)
    with pytest.raises(ValidationError, match="только сдавшим"):
        services.set_result(
            by=director,
            protocol=protocol,
            enrollment=vocational["third"],
            text="2",
            qualification_grade="2 разряд",
        )
    for key, grade in (("own", "4 разряд"), ("classmate", " 3   разряд ")):
        services.set_result(
            by=director, protocol=protocol, enrollment=vocational[key], text="5", qualification_grade=grade
        )
    signed = _sign(protocol, vocational, director)
    assert signed.status == Protocol.Status.SIGNED
    lines = {r.enrollment_id: (r.qualification_grade, r.qualification) for r in signed.results.all()}
    assert lines == {
        vocational["own"].pk: ("4 разряд", PROFESSION),
        vocational["classmate"].pk: ("3 разряд", PROFESSION),
        vocational["third"].pk: ("", ""),
    }


def test_a_vocational_protocol_needs_the_profession(vocational, director):
    protocol = _final(vocational, director, Protocol.FinalForm.QUALIFICATION_EXAM)
    _make(vocational["group"].program, qualification="")
    for key in ("own", "classmate", "third"):
        services.set_result(
            by=director,
            protocol=protocol,
            enrollment=vocational[key],
            text="5",
            qualification_grade="3 разряд",
        )
    with pytest.raises(ValidationError, match="не указана профессия рабочего"):
        _sign(protocol, vocational, director)


def test_grades_are_typed_in_the_results_form_and_the_decision_names_the_qualification(
    client, vocational, curator, pdf_text
):
    client.force_login(curator)
    protocol = _final(vocational, curator, Protocol.FinalForm.QUALIFICATION_EXAM)
    detail = reverse("attestation:protocol_detail", args=[protocol.pk])
    data = {"version": protocol.version}
    for key, value, grade in (("own", "5", "4 разряд"), ("classmate", "4", "3 разряд"), ("third", "2", "")):
        data |= {f"value-{vocational[key].pk}": value, f"grade-{vocational[key].pk}": grade}
    page = client.post(detail, data, follow=True).content.decode()
    assert "Результаты сохранены." in page and 'name="grade-' in page
    assert "присвоить квалификацию «Слесарь-ремонтник», 4 разряд" in page
    assert protocol.results.get(enrollment=vocational["classmate"]).qualification_grade == "3 разряд"
    text = pdf_text(pdf.render_protocol_pdf(protocol))
    assert "Форма: квалификационный экзамен" in text
    # The narrow decision column may break the profession at its hyphen; pdftotext then drops it.
    assert "присвоить квалификацию «Слесарь-ремонтник», 3 разряд" in text.replace(
        "Слесарьремонтник", PROFESSION
    )


def test_a_retraining_protocol_awards_the_programs_qualification(
    course, pass_all_modules, director, pdf_text
):
    _make(
        course["group"].program,
        kind=Program.Kind.RETRAINING,
        hours=256,
        qualification="Менеджер в сфере образования",
    )
    pass_all_modules()
    protocol = _final(course, director, Protocol.FinalForm.EXAM)
    for key, text in (("own", "5"), ("classmate", "2"), ("third", "4")):
        services.set_result(by=director, protocol=protocol, enrollment=course[key], text=text)
    signed = _sign(protocol, course, director)
    # Renaming the program later does not change what the signed protocol awarded.
    _make(course["group"].program, qualification="Другое")
    text = pdf_text(pdf.render_protocol_pdf(signed))
    assert (
        "выдать диплом о профессиональной переподготовке; присвоить квалификацию "
        "«Менеджер в сфере образования»" in text
    )
    assert text.count("присвоить квалификацию") == 2  # not the learner who failed

"""What protocols, statements and the consolidated statement print: results in words with the
digits in brackets, the organisation's requisites, typed names under signature lines that never
stand alone on a page."""

import datetime as dt

import pytest

from zachetka.attestation import pdf, selectors, services
from zachetka.core import pdf as core_pdf
from zachetka.organization import selectors as organization
from zachetka.organization import services as organization_services

FULL_NAME = "Автономная некоммерческая организация ДПО «Умный образовательный центр»"


@pytest.fixture
def requisites(director):
    organization_services.update_requisites(
        by=director,
        expected_version=organization.current().version,
        full_name=FULL_NAME,
        city="г. Тверь",
        head_name="Кузнецова Ольга Викторовна",
        secretary_name="Соколова Марина Олеговна",
    )


def test_final_protocol_prints_results_in_words_and_initials_under_signatures(
    graduated, requisites, pdf_text
):
    text = pdf_text(pdf.render_protocol_pdf(graduated), layout=True)
    assert FULL_NAME in text and "г. Тверь" in text
    assert "Петров Пётр Петрович хорошо (4)" in text
    assert "Смирнова Анна Сергеевна отлично (5)" in text
    assert "Председатель П. Иванова" in text and "Секретарь С. Петрова" in text


def test_statement_prints_credit_and_absence_in_words(course, teacher, requisites, pdf_text):
    statement = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["exam"], held_on=dt.date(2026, 11, 20)
    )
    for key, value in (("own", "н"), ("classmate", "3"), ("third", "5")):
        services.set_result(by=teacher, protocol=statement, enrollment=course[key], text=value)
    text = pdf_text(pdf.render_protocol_pdf(statement), layout=True)
    assert "Смирнова Анна Сергеевна не явилась" in text
    assert "Петров Пётр Петрович удовлетворительно (3)" in text
    assert "Алексеев Алексей отлично (5)" in text
    assert "Преподаватель И. Преподавательская" in text


def test_consolidated_statement_prints_results_in_words(client, graduated, course, requisites, pdf_text):
    summary = selectors.group_summary(course["chair"], course["group"].pk)
    text = pdf_text(pdf.render_summary_pdf(summary))
    assert FULL_NAME in text and "г. Тверь" in text
    assert "зачтено" in text and "хорошо (4)" in text and "отлично (5)" in text
    assert "не зачтено" in text or "неудовлетворительно (2)" in text  # Алексеев's failed module
    assert "Секретарь М. О. Соколова" in text


def test_signatures_never_stand_alone_on_a_page(course, teacher, make_learner, make_enrollment, pdf_text):
    """However many learners a statement lists, its last page holds some of them with the
    tally and the signatures."""
    for n in range(40):
        make_enrollment(
            make_learner(last_name=f"Слушателев{'а' * (n % 3)}", first_name="Иван"), course["group"]
        )
    statement = services.create_intermediate_statement(
        by=teacher, group=course["group"], module=course["credit"], held_on=dt.date(2026, 11, 20)
    )
    context = pdf.protocol_context(statement)
    lines, results = context["lines"], context["results"]
    for count in range(20, len(results) + 1):
        context |= {"lines": lines[:count], "results": results[:count]}
        pages = pdf_text(core_pdf.render_pdf("attestation/protocol_pdf.html", context), pages=True)
        last = pages[-1]
        assert "Преподаватель" in last, count
        assert "Иван" in last.split("Аттестовано")[0], f"{count} learners: the signatures stand alone"

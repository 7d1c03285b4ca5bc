"""The learner card's PDF: the organisation's requisites and results in words."""

from zachetka.cards import selectors, services
from zachetka.organization import selectors as organization
from zachetka.organization import services as organization_services


def test_card_pdf_names_the_organisation_and_gives_results_in_words(graduated, course, director, pdf_text):
    organization_services.update_requisites(
        by=director,
        expected_version=organization.current().version,
        full_name="Автономная некоммерческая организация ДПО «Умный образовательный центр»",
        city="г. Тверь",
    )
    content = selectors.card_content(course["classmate"])
    text = pdf_text(services.render_pdf(content))
    assert "Автономная некоммерческая организация ДПО «Умный образовательный центр»" in text
    assert "г. Тверь" in text
    assert "хорошо (4)" in text and "зачтено" in text  # the modules and the final result

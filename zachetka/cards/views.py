from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from zachetka.cards import selectors, services
from zachetka.cards.models import CardVersion
from zachetka.core import access
from zachetka.programs.models import Enrollment


def _enrollment(request: HttpRequest, pk: int) -> Enrollment:
    enrollment = get_object_or_404(selectors.enrollments_with_cards(request.user), pk=pk)
    if not selectors.may_open_card(request.user, enrollment):
        raise Http404("Карта не найдена.")
    return enrollment


def _version_pdf(request: HttpRequest, version: CardVersion) -> bytes:
    """The frozen version's PDF as kept, for those who see every field it holds; for others one
    rendered from the frozen content without the fields their role does not need (not kept)."""
    try:
        if selectors.shows_whole_card(request.user, version.enrollment):
            return services.version_pdf(version)
        # Rendered from the frozen content for this viewer, not kept: not the version's document.
        content = selectors.for_viewer(request.user, version.enrollment, services.frozen_content(version))
        return services.render_pdf(content, version=version)
    except services.CardDestroyed as error:
        raise Http404(f"Сведения карты уничтожены ({error}).") from error


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response


def card(request: HttpRequest, pk: int) -> HttpResponse:
    """The card of one enrolment as it stands, with the versions frozen so far."""
    enrollment = _enrollment(request, pk)
    return render(
        request,
        "cards/card.html",
        {
            "enrollment": enrollment,
            "card": selectors.for_viewer(request.user, enrollment, selectors.card_content(enrollment)),
            "versions": selectors.versions_of(enrollment),
            "ended": enrollment.status in selectors.ENDED,
            "is_own": access.is_learner(request.user),
        },
    )


def card_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The card as PDF: the latest frozen version of an ended enrolment, else the current one."""
    enrollment = _enrollment(request, pk)
    versions = selectors.versions_of(enrollment)
    name = f"Карта {enrollment.learner.short_name} {enrollment.group.code}.pdf"
    if versions:
        return _pdf_response(_version_pdf(request, versions[-1]), name)
    content = selectors.for_viewer(request.user, enrollment, selectors.card_content(enrollment))
    return _pdf_response(services.current_pdf(enrollment, content), name)


def version_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(CardVersion.objects.select_related("enrollment__learner"), pk=pk)
    _enrollment(request, version.enrollment_id)
    name = f"Карта {version.enrollment.learner.short_name}, версия {version.number}.pdf"
    return _pdf_response(_version_pdf(request, version), name)

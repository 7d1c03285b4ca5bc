"""Pages of a recipient organisation's representative: only learners who consented to it, only
the data their consent covers; every page shown is logged as a disclosure (channel «система»)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from zachetka.core import access
from zachetka.privacy import selectors, services
from zachetka.privacy.models import Category


def _recipient(request: HttpRequest):  # noqa: ANN202
    access.require(request.user, "privacy.view_employer_learners")
    recipient = selectors.recipient_of(request.user)
    if recipient is None:
        raise PermissionDenied("Учётная запись не связана с организацией-получателем.")
    return recipient


def employer_learners(request: HttpRequest) -> HttpResponse:
    """The learners who consented to the organisation: their names only (each shown name is a
    disclosure of identity data, logged)."""
    recipient = _recipient(request)
    learners = list(selectors.employer_learners(request.user))
    for learner in learners:
        services.record_system_view(
            by=request.user, learner=learner, recipient=recipient, categories=[Category.IDENTITY]
        )
    return render(request, "privacy/employer_learners.html", {"recipient": recipient, "learners": learners})


def employer_learner(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = _recipient(request)
    learner = get_object_or_404(selectors.employer_learners(request.user), pk=pk)
    consent = access.employer_consents(request.user).filter(learner=learner).order_by("-pk").first()
    if consent is None:
        raise Http404
    categories = list(consent.categories)
    try:
        services.record_system_view(
            by=request.user, learner=learner, recipient=recipient, categories=categories
        )
    except ValidationError as error:
        raise Http404 from error
    return render(
        request,
        "privacy/employer_learner.html",
        {
            "recipient": recipient,
            "learner": learner,
            "consent": consent,
            "sections": selectors.extract(learner, categories),
        },
    )

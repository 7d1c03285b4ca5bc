"""Which learners a response showed: marked by the view, or derived from the URL it answered.

A view that knows exactly whom it showed (a list page, a search) calls `mark(request, ids)`.
Every other page or file that shows learners' data is listed in `WATCHED` by URL name, with
how to find its learners from the URL's object: one SELECT of ids, run only after the view has
answered 200, so a refused request (403, 404) logs nothing and a page that shows no learner's
data costs nothing. A URL name not listed and not marked is not logged; the test
`test_watched_urls_cover_every_learner_page` keeps the list honest.

For a group's pages (group, gradebook, statements, summaries, documents) the learners are those
enrolled in the group: what those pages list.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.http import HttpRequest

_MARK = "_accesslog_learners"

Finder = Callable[[HttpRequest, Any], Iterable[int]]


def mark(request: HttpRequest, learner_ids: Iterable[int]) -> None:
    """Note that the response to `request` shows these learners' data (added up per request)."""
    marked: set[int] = getattr(request, _MARK, None) or set()
    marked.update(int(pk) for pk in learner_ids if pk is not None)
    setattr(request, _MARK, marked)


def marked(request: HttpRequest) -> set[int] | None:
    return getattr(request, _MARK, None)


def _ids(model: str, lookup: str, **filters: Any) -> Iterable[int]:
    return apps.get_model(model).objects.filter(**filters).values_list(lookup, flat=True)


def learner(request: HttpRequest, pk: Any) -> Iterable[int]:
    return [int(pk)]


def group(request: HttpRequest, pk: Any) -> Iterable[int]:
    return _ids("programs.Enrollment", "learner_id", group_id=pk)


def enrollment(request: HttpRequest, pk: Any) -> Iterable[int]:
    return _ids("programs.Enrollment", "learner_id", pk=pk)


def card_version(request: HttpRequest, pk: Any) -> Iterable[int]:
    return _ids("cards.CardVersion", "enrollment__learner_id", pk=pk)


def protocol(request: HttpRequest, pk: Any) -> Iterable[int]:
    return _ids("programs.Enrollment", "learner_id", group__protocols=pk)


def document(request: HttpRequest, pk: Any) -> Iterable[int]:
    return _ids("documents.Document", "enrollment__learner_id", pk=pk)


def achievement(request: HttpRequest, pk: Any) -> Iterable[int]:
    return _ids("achievements.Achievement", "learner_id", pk=pk)


def commission(request: HttpRequest, pk: Any) -> Iterable[int]:
    # A commission's page lists the protocols it signed, with their learners' results.
    return _ids("programs.Enrollment", "learner_id", group__protocols__commission=pk)


def consent(request: HttpRequest, pk: Any) -> Iterable[int]:
    return _ids("privacy.Consent", "learner_id", pk=pk)


def disclosure(request: HttpRequest, pk: Any) -> Iterable[int]:
    return _ids("privacy.Disclosure", "learner_id", pk=pk)


def own(request: HttpRequest, pk: Any) -> Iterable[int]:
    """The signed-in learner's own record (the cabinet, their grades)."""
    return _ids("people.Learner", "pk", user=request.user)


# URL name -> (the URL argument naming the object, how to find its learners).
WATCHED: dict[str, tuple[str, Finder]] = {
    "web:learner_detail": ("pk", learner),
    "people:learner_edit": ("pk", learner),
    "attestation:learner_debts": ("pk", learner),
    "achievements:learner_achievements": ("pk", learner),
    "programs:group_detail": ("pk", group),
    "programs:enrollment_create": ("pk", group),
    "programs:enrollment_edit": ("pk", enrollment),
    "gradebook:grid": ("group_pk", group),
    "gradebook:grid_print": ("group_pk", group),
    # The Moodle import's preview shows the group's learners with the grades to be written.
    "lms:gradebook_import_preview": ("group_pk", group),
    "lms:gradebook_import_confirm": ("group_pk", group),
    "attestation:group_debts": ("pk", group),
    "attestation:group_admission": ("pk", group),
    "attestation:group_protocols": ("pk", group),
    "attestation:statement_create": ("pk", group),
    "attestation:final_protocol_create": ("pk", group),
    "attestation:group_summary": ("pk", group),
    "attestation:protocol_detail": ("pk", protocol),
    "attestation:protocol_pdf": ("pk", protocol),
    "attestation:commission_detail": ("pk", commission),
    "documents:document_detail": ("pk", document),
    "documents:document_pdf": ("pk", document),
    "documents:issue_from_protocol": ("pk", protocol),
    "documents:study_certificate": ("pk", enrollment),
    "documents:group_documents": ("pk", group),
    "cards:card": ("pk", enrollment),
    "cards:card_pdf": ("pk", enrollment),
    "cards:version_pdf": ("pk", card_version),
    "achievements:achievement_detail": ("pk", achievement),
    "achievements:evidence": ("pk", achievement),
    "privacy:consent_create": ("pk", learner),
    "privacy:consent_detail": ("pk", consent),
    "privacy:consent_form_pdf": ("pk", consent),
    "privacy:consent_scan": ("pk", consent),
    "privacy:consent_supersede": ("pk", consent),
    "privacy:withdrawal_scan": ("pk", consent),
    "privacy:disclosure_create": ("pk", learner),
    "privacy:disclosure_pdf": ("pk", disclosure),
    "privacy:disclosure_xlsx": ("pk", disclosure),
    "privacy:disclosure_ground": ("pk", disclosure),
    "privacy:employer_learner": ("pk", learner),
    "cabinet:cabinet": ("", own),
    "gradebook:my_grades": ("", own),
}


def learners_shown(request: HttpRequest) -> set[int]:
    """The learners whose data the response to `request` showed (empty: nothing to log)."""
    explicit = marked(request)
    if explicit is not None:
        return explicit
    match = request.resolver_match
    if match is None or match.view_name not in WATCHED:
        return set()
    argument, finder = WATCHED[match.view_name]
    return set(finder(request, match.kwargs.get(argument)))

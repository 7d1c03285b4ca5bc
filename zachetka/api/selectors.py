"""Reads of the API: the domain apps' selectors and scoped querysets, with the API's filters
(by group and by date) on top. Each asks `access.require` first, as the pages do."""

import datetime as dt

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, QuerySet

from zachetka.api.models import ApiToken
from zachetka.attestation.models import Protocol, ProtocolResult
from zachetka.core import access, collation, roles
from zachetka.documents import selectors as documents
from zachetka.documents.models import Document
from zachetka.gradebook.models import Assessment, Grade
from zachetka.people import selectors as people
from zachetka.people.models import Learner
from zachetka.programs import selectors as programs
from zachetka.programs.models import Enrollment, Group, Program

Actor = User | AnonymousUser


def learners(
    user: Actor, *, group_id: int | None = None, changed_since: dt.datetime | None = None
) -> QuerySet[Learner]:
    found = people.learner_list(user, group_id=group_id)
    if changed_since:
        found = found.filter(updated_at__gte=changed_since)
    return found


def learner(user: Actor, pk: int) -> Learner:
    access.require(user, "people.view_learner")
    return people.learner_for(user, pk)


def program_list(user: Actor) -> QuerySet[Program]:
    return programs.program_list(user).prefetch_related("modules", "curators")


def program_for(user: Actor, pk: int) -> Program:
    access.require(user, "programs.view_program")
    return Program.objects.visible_to(user).prefetch_related("modules", "curators").get(pk=pk)


def program_for_answer(pk: int) -> Program:
    """A program just written, read back with its modules and curators for the answer."""
    return Program.objects.prefetch_related("modules", "curators").get(pk=pk)


def group_for(user: Actor, pk: int) -> Group:
    access.require(user, "programs.view_group")
    return Group.objects.visible_to(user).select_related("program").get(pk=pk)


def enrollment_for(user: Actor, pk: int) -> Enrollment:
    access.require(user, "programs.view_enrollment")
    return Enrollment.objects.visible_to(user).select_related("learner", "group").get(pk=pk)


def group_list(user: Actor, *, program_id: int | None = None, on: dt.date | None = None) -> QuerySet[Group]:
    """Groups the user sees; with `on`, those studying on that date."""
    groups = programs.group_list(user, program_id=program_id)
    if on:
        groups = groups.filter(starts_on__lte=on, ends_on__gte=on)
    return groups


def enrollment_list(
    user: Actor,
    *,
    group_id: int | None = None,
    status: str = "",
    on: dt.date | None = None,
    changed_since: dt.datetime | None = None,
) -> QuerySet[Enrollment]:
    found = programs.enrollment_list(user, group_id=group_id, status=status)
    if on:
        found = found.filter(group__starts_on__lte=on, group__ends_on__gte=on)
    if changed_since:
        found = found.filter(updated_at__gte=changed_since)
    return found


def _dated(queryset: QuerySet, field: str, since: dt.date | None, until: dt.date | None) -> QuerySet:
    if since:
        queryset = queryset.filter(**{f"{field}__gte": since})
    if until:
        queryset = queryset.filter(**{f"{field}__lte": until})
    return queryset


def assessment_list(
    user: Actor,
    *,
    group_id: int | None = None,
    module_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Assessment]:
    """Gradebook columns of the groups the user sees, by date held."""
    access.require(user, "gradebook.view_assessment")
    assessments = Assessment.objects.visible_to(user).select_related("scale")
    if group_id:
        assessments = assessments.filter(group_id=group_id)
    if module_id:
        assessments = assessments.filter(module_id=module_id)
    return _dated(assessments, "held_on", since, until).order_by("held_on", "pk")


def assessment_for(user: Actor, pk: int) -> Assessment:
    """A column the user sees, read with what saving a cell of it checks."""
    access.require(user, "gradebook.view_assessment")
    return (
        Assessment.objects.visible_to(user)
        .select_related("scale", "group", "module")
        .with_scale_values()
        .with_cell_rules(user)
        .get(pk=pk)
    )


def grade_list(
    user: Actor,
    *,
    group_id: int | None = None,
    assessment_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    changed_since: dt.datetime | None = None,
) -> QuerySet[Grade]:
    """Non-empty cells of the groups the user sees; dates are those of the assessments. Asked
    for what changed since a moment, emptied cells come too: a client keeping a copy must learn
    that a grade was withdrawn."""
    access.require(user, "gradebook.view_grade")
    grades = Grade.objects.filter(access.group_scope(user, prefix="assessment__group__")).select_related(
        "assessment", "enrollment"
    )
    if group_id:
        grades = grades.filter(assessment__group_id=group_id)
    if assessment_id:
        grades = grades.filter(assessment_id=assessment_id)
    grades = grades.filter(entered_at__gte=changed_since) if changed_since else grades.exclude(value="")
    return _dated(grades, "assessment__held_on", since, until).order_by(
        "assessment__held_on", "assessment_id", "pk"
    )


def protocol_list(
    user: Actor, *, group_id: int | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> QuerySet[Protocol]:
    access.require(user, "attestation.view_protocol")
    protocols = Protocol.objects.visible_to(user).select_related("scale")
    if group_id:
        protocols = protocols.filter(group_id=group_id)
    return _dated(protocols, "held_on", since, until).order_by("-held_on", "-number")


def protocol_for(user: Actor, pk: int) -> Protocol:
    access.require(user, "attestation.view_protocol")
    return Protocol.objects.visible_to(user).select_related("scale").get(pk=pk)


def protocol_results(protocol: Protocol) -> QuerySet[ProtocolResult]:
    return protocol.results.order_by(
        "enrollment__learner__last_name", "enrollment__learner__first_name", "pk"
    )


def document_list(
    user: Actor, *, group_id: int | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> QuerySet[Document]:
    """The registry of issued documents the user sees, by date of issue."""
    access.require(user, "documents.view_document")
    documents_ = documents.registry(user, group_id=group_id)
    return _dated(documents_, "issued_on", since, until)


def document_for(user: Actor, pk: int) -> Document:
    access.require(user, "documents.view_document")
    return documents.documents_visible_to(user).get(pk=pk)


def tokens() -> QuerySet[ApiToken]:
    """Every API token, those in force first (no secret is stored to show)."""
    return ApiToken.objects.select_related("user").order_by(F("revoked_at").asc(nulls_first=True), "name")


def token_accounts() -> QuerySet[User]:
    """Accounts a token may act as: active staff and representatives of recipient organisations
    (a learner's own account is for the personal cabinet, not for a system)."""
    ids = User.objects.filter(is_active=True, groups__name__in=(*roles.STAFF_ROLES, roles.EMPLOYER)).values(
        "pk"
    )
    return User.objects.filter(pk__in=ids).order_by(
        *collation.collated("last_name", "first_name"), "username"
    )

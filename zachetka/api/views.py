"""The REST API, /api/v1/: thin views over the domain apps' selectors and services.

Every view authenticates by token (authentication.py) and asks the same access rules as the
pages; a GET answers with an ETag and 304 to a matching If-None-Match.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict
from operator import attrgetter
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.middleware.http import ConditionalGetMiddleware
from django.utils.decorators import decorator_from_middleware
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zachetka.accesslog import capture as accesslog
from zachetka.api import selectors, services
from zachetka.api import serializers as api
from zachetka.api.problems import Problem
from zachetka.core import access, personal_fields
from zachetka.core.clientip import client_ip
from zachetka.documents import services as documents
from zachetka.gradebook import selectors as gradebook_selectors
from zachetka.gradebook import services as gradebook
from zachetka.gradebook.models import Assessment, Grade
from zachetka.people import services as people
from zachetka.people.models import Learner
from zachetka.programs import services as program_services
from zachetka.programs.models import Enrollment, Group, Module, Program

conditional_get = decorator_from_middleware(ConditionalGetMiddleware)


class ApiView(APIView):
    """Token-authenticated (not by the site's session: LoginRequiredMiddleware lets it through
    to DRF, which answers 401 itself), with ETags on reads."""

    filter_class: type[serializers.Serializer] | None = None

    @classmethod
    def as_view(cls, **initkwargs: Any):  # noqa: ANN206 - a view function
        return login_not_required(conditional_get(super().as_view(**initkwargs)))

    def filters(self) -> dict[str, Any]:
        """The query parameters, checked by `filter_class` (400 naming the parameter if wrong)."""
        if self.filter_class is None:
            return {}
        checked = self.filter_class(data=self.request.query_params)
        checked.is_valid(raise_exception=True)
        return checked.validated_data


class ApiListView(ApiView, generics.ListAPIView):
    # How to find the learner of a row (an attribute path), for the access log; None: rows of
    # no learner.
    learner_of: str | None = None

    def paginate_queryset(self, queryset):  # noqa: ANN001, ANN201
        page = super().paginate_queryset(queryset)
        if self.learner_of and page is not None:
            _mark(self.request, [attrgetter(self.learner_of)(row) for row in page])
        return page


def _mark(request: Request, learner_ids: list[int]) -> None:
    """Record in the access log (accesslog) whose data the answer shows, as the pages do."""
    accesslog.mark(request._request, learner_ids)


def _idempotency_key(request: Request) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 100:
        raise Problem(400, "Ключ Idempotency-Key — не длиннее 100 символов.")
    return key


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, description="Ключ запроса (до 100 символов)."
)
GRADES_BY = "Мероприятия добавляют преподаватели этого модуля, куратор и учебная часть."
CHANGED_BY = "Менять мероприятие могут преподаватели этого модуля, куратор и учебная часть."


def _key_reused(key: str) -> Problem:
    return Problem(
        409,
        f"Ключ «{key}» уже использован для другого запроса: для нового запроса нужен новый ключ.",
        kind="idempotency-key-reused",
    )


IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, description='Версия, которую видел клиент: "v3".'
)


def _versioned(data: Any, version: int, status: int = 200) -> Response:
    """An answer tagged `"v<version>.<digest>"`: the version for If-Match, and a digest of the body
    for If-None-Match, because the body also shows what the row's version does not count (a
    program's modules and curators, an enrolment's learner's name)."""
    response = Response(data, status=status)
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    response["ETag"] = f'"v{version}.{digest}"'
    return response


def _expected_version(request: Request, changes: dict[str, Any], what: str) -> int:
    """The version the client saw: the body's `version`, else If-Match; 428 without either."""
    if_match = _version_from_if_match(request)
    expected = changes.pop("version", if_match)
    if expected is None:
        raise Problem(428, f"Укажите версию {what}, которую вы видели: заголовок If-Match или поле version.")
    return expected


def _create(
    request: Request,
    *,
    create: Callable[[], Any],
    render: Callable[[Any], dict[str, Any]],
    unique: tuple[str, str] | None = None,
) -> Response:
    """POST through a domain service, once per Idempotency-Key. `unique` (field, message) names
    the field whose unique index refused a row written at the same moment by someone else: the
    same 422 as the service's own check, which could not see the other row yet."""
    key = _idempotency_key(request)
    try:
        outcome = services.create_once(
            token=request.auth,
            create=create,
            render=render,
            key=key,
            fingerprint=services.request_fingerprint("POST", request.path, request.data) if key else "",
        )
    except services.KeyReused:
        raise _key_reused(key) from None
    except IntegrityError:
        if unique is None:
            raise
        field, message = unique
        raise Problem(422, message, errors=[{"field": field, "detail": message}]) from None
    response = Response(outcome.body, status=outcome.status_code)
    if outcome.repeated:
        response["Idempotent-Replayed"] = "true"
    return response


def _change(request: Request, update: Callable[[], Any], unique: tuple[str, str] | None = None) -> Any:
    try:
        return services.change(token=request.auth, update=update)
    except IntegrityError:
        if unique is None:
            raise
        field, message = unique
        raise Problem(422, message, errors=[{"field": field, "detail": message}]) from None


PERSONAL_FIELD_REFUSED = "Ваша роль не видит это поле слушателя и не может его записать."


def _refuse_unseen(fields: dict[str, Any], visible: frozenset[str]) -> None:
    """A role writes only the personal fields it sees (personal_fields.BY_ROLE): 403 naming the rest."""
    unseen = sorted(name for name in fields if name in personal_fields.ALL and name not in visible)
    if unseen:
        raise Problem(
            403,
            f"Эти поля слушателя вашей роли не видны, их нельзя и записать: {', '.join(unseen)}.",
            errors=[{"field": name, "detail": PERSONAL_FIELD_REFUSED} for name in unseen],
        )


def _learner_body(request: Request) -> Callable[[Learner], dict[str, Any]]:
    return lambda learner: dict(api.LearnerSerializer(learner, context={"request": request}).data)


SNILS_TAKEN = "Этот СНИЛС уже указан у другого слушателя."


@extend_schema(tags=["Слушатели"])
class LearnerList(ApiListView):
    """Слушатели групп, которые видит владелец токена; персональные поля — по правилам его роли."""

    serializer_class = api.LearnerSerializer
    filter_class = api.LearnerFilter
    learner_of = "pk"

    @extend_schema(parameters=[api.LearnerFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # noqa: ANN201
        found = self.filters()
        return selectors.learners(
            self.request.user, group_id=found.get("group"), changed_since=found.get("changed_since")
        )

    @extend_schema(
        request=api.LearnerCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: api.LearnerSerializer},
    )
    def post(self, request: Request) -> Response:
        """Добавить слушателя с теми же проверками, что форма «Новый слушатель» (СНИЛС, ФИО, даты)."""
        access.require(request.user, "people.add_learner")
        written = api.LearnerCreateSerializer(data=request.data)
        written.is_valid(raise_exception=True)
        fields = dict(written.validated_data)
        _refuse_unseen(fields, access.personal_fields_everywhere(request.user))
        response = _create(
            request,
            create=lambda: people.create_learner(by=request.user, **fields),
            render=_learner_body(request),
            unique=("snils", SNILS_TAKEN),
        )
        _mark(request, [response.data["id"]])
        return response


@extend_schema(tags=["Слушатели"])
class LearnerDetail(ApiView):
    """Один слушатель; `ETag: "v<версия>.<отпечаток>"` — для If-Match и If-None-Match."""

    @extend_schema(responses={200: api.LearnerSerializer})
    def get(self, request: Request, pk: int) -> Response:
        learner = selectors.learner(request.user, pk)
        _mark(request, [learner.pk])
        return _versioned(_learner_body(request)(learner), learner.version)

    @extend_schema(
        request=api.LearnerChangeSerializer, parameters=[IF_MATCH], responses={200: api.LearnerSerializer}
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Изменить данные слушателя, как форма слушателя; только видимые роли поля; нужна версия."""
        learner = selectors.learner(request.user, pk)
        access.require(request.user, "people.change_learner")
        written = api.LearnerChangeSerializer(data=request.data, partial=True)
        written.is_valid(raise_exception=True)
        changes = dict(written.validated_data)
        _refuse_unseen(changes, access.visible_personal_fields(request.user, learner))
        reason = changes.pop("reason", "")
        expected = _expected_version(request, changes, "слушателя")
        learner = _change(
            request,
            lambda: people.update_learner(
                by=request.user, learner=learner, expected_version=expected, reason=reason, **changes
            ),
            unique=("snils", SNILS_TAKEN),
        )
        _mark(request, [learner.pk])
        return _versioned(_learner_body(request)(learner), learner.version)


def _program_body(program: Program) -> dict[str, Any]:
    return dict(api.ProgramSerializer(selectors.program_for_answer(program.pk)).data)


@extend_schema(tags=["Программы и группы"])
class ProgramList(ApiListView):
    serializer_class = api.ProgramSerializer

    def get_queryset(self):  # noqa: ANN201
        return selectors.program_list(self.request.user)

    @extend_schema(
        request=api.ProgramCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: api.ProgramSerializer},
    )
    def post(self, request: Request) -> Response:
        """Добавить программу с теми же проверками, что форма программы."""
        access.require(request.user, "programs.add_program")
        written = api.ProgramCreateSerializer(data=request.data)
        written.is_valid(raise_exception=True)
        fields = dict(written.validated_data)
        return _create(
            request,
            create=lambda: program_services.create_program(by=request.user, **fields),
            render=_program_body,
        )


@extend_schema(tags=["Программы и группы"])
class ProgramDetail(ApiView):
    """Одна программа с модулями; `ETag: "v<версия>.<отпечаток>"` — для If-Match и If-None-Match."""

    @extend_schema(responses={200: api.ProgramSerializer})
    def get(self, request: Request, pk: int) -> Response:
        program = selectors.program_for(request.user, pk)
        return _versioned(api.ProgramSerializer(program).data, program.version)

    @extend_schema(
        request=api.ProgramChangeSerializer, parameters=[IF_MATCH], responses={200: api.ProgramSerializer}
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Изменить программу, как форма программы; `curators` заменяет список кураторов; нужна версия."""
        program = selectors.program_for(request.user, pk)
        access.require(request.user, "programs.change_program")
        written = api.ProgramChangeSerializer(program, data=request.data, partial=True)
        written.is_valid(raise_exception=True)
        changes = dict(written.validated_data)
        expected = _expected_version(request, changes, "программы")
        program = _change(
            request,
            lambda: program_services.update_program(
                by=request.user, program=program, expected_version=expected, **changes
            ),
        )
        body = _program_body(program)
        return _versioned(body, body["version"])


GROUP_CODE_TAKEN = "Группа с таким шифром уже есть."


@extend_schema(tags=["Программы и группы"])
class GroupList(ApiListView):
    serializer_class = api.GroupSerializer
    filter_class = api.GroupListFilter

    @extend_schema(parameters=[api.GroupListFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # noqa: ANN201
        found = self.filters()
        return selectors.group_list(self.request.user, program_id=found.get("program"), on=found.get("on"))

    @extend_schema(
        request=api.GroupCreateSerializer, parameters=[IDEMPOTENCY_KEY], responses={201: api.GroupSerializer}
    )
    def post(self, request: Request) -> Response:
        """Открыть группу программы с теми же проверками, что форма группы."""
        access.require(request.user, "programs.add_group")
        written = api.GroupCreateSerializer(data=request.data, context={"request": request})
        written.is_valid(raise_exception=True)
        fields = dict(written.validated_data)
        return _create(
            request,
            create=lambda: program_services.create_group(by=request.user, **fields),
            render=lambda group: dict(api.GroupSerializer(group).data),
            unique=("code", GROUP_CODE_TAKEN),
        )


@extend_schema(tags=["Программы и группы"])
class GroupDetail(ApiView):
    """Одна группа; `ETag: "v<версия>.<отпечаток>"` — для If-Match и If-None-Match."""

    @extend_schema(responses={200: api.GroupSerializer})
    def get(self, request: Request, pk: int) -> Response:
        group = selectors.group_for(request.user, pk)
        return _versioned(api.GroupSerializer(group).data, group.version)

    @extend_schema(
        request=api.GroupChangeSerializer, parameters=[IF_MATCH], responses={200: api.GroupSerializer}
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Изменить шифр, программу, даты или куратора группы, как форма группы; нужна версия."""
        group = selectors.group_for(request.user, pk)
        access.require(request.user, "programs.change_group")
        written = api.GroupChangeSerializer(
            group, data=request.data, partial=True, context={"request": request}
        )
        written.is_valid(raise_exception=True)
        changes = dict(written.validated_data)
        expected = _expected_version(request, changes, "группы")
        group = _change(
            request,
            lambda: program_services.update_group(
                by=request.user, group=group, expected_version=expected, **changes
            ),
            unique=("code", GROUP_CODE_TAKEN),
        )
        return _versioned(api.GroupSerializer(group).data, group.version)


@extend_schema(tags=["Программы и группы"])
class EnrollmentList(ApiListView):
    serializer_class = api.EnrollmentSerializer
    filter_class = api.EnrollmentFilter
    learner_of = "learner_id"

    @extend_schema(parameters=[api.EnrollmentFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # noqa: ANN201
        found = self.filters()
        return selectors.enrollment_list(
            self.request.user,
            group_id=found.get("group"),
            status=found.get("status", ""),
            on=found.get("on"),
            changed_since=found.get("changed_since"),
        )

    @extend_schema(
        request=api.EnrollmentCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: api.EnrollmentSerializer},
    )
    def post(self, request: Request) -> Response:
        """Зачислить слушателя в группу, как страница группы «Зачислить»."""
        access.require(request.user, "programs.add_enrollment")
        written = api.EnrollmentCreateSerializer(data=request.data, context={"request": request})
        written.is_valid(raise_exception=True)
        fields = dict(written.validated_data)
        response = _create(
            request,
            create=lambda: program_services.enroll(by=request.user, **fields),
            render=lambda enrollment: dict(api.EnrollmentSerializer(enrollment).data),
        )
        _mark(request, [response.data["learner"]])
        return response


@extend_schema(tags=["Программы и группы"])
class EnrollmentDetail(ApiView):
    """Одно зачисление; `ETag: "v<версия>.<отпечаток>"` — для If-Match и If-None-Match."""

    @extend_schema(responses={200: api.EnrollmentSerializer})
    def get(self, request: Request, pk: int) -> Response:
        enrollment = selectors.enrollment_for(request.user, pk)
        _mark(request, [enrollment.learner_id])
        return _versioned(api.EnrollmentSerializer(enrollment).data, enrollment.version)

    @extend_schema(
        request=api.EnrollmentChangeSerializer,
        parameters=[IF_MATCH],
        responses={200: api.EnrollmentSerializer},
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Изменить зачисление, как страница зачисления: приказы, финансирование, статус (переходы —
        как на сайте; отчисление — с приказом; восстановление после завершения — с основанием)."""
        enrollment = selectors.enrollment_for(request.user, pk)
        access.require(request.user, "programs.change_enrollment")
        written = api.EnrollmentChangeSerializer(data=request.data, partial=True)
        written.is_valid(raise_exception=True)
        changes = dict(written.validated_data)
        reason = changes.pop("reason", "")
        expected = _expected_version(request, changes, "зачисления")
        enrollment = _change(
            request,
            lambda: program_services.update_enrollment(
                by=request.user, enrollment=enrollment, expected_version=expected, reason=reason, **changes
            ),
        )
        _mark(request, [enrollment.learner_id])
        return _versioned(api.EnrollmentSerializer(enrollment).data, enrollment.version)


def _render_assessment(assessment: Assessment) -> dict[str, Any]:
    return dict(api.AssessmentSerializer(assessment).data)


@extend_schema(tags=["Журнал"])
class AssessmentList(ApiListView):
    serializer_class = api.AssessmentSerializer
    filter_class = api.AssessmentFilter

    @extend_schema(parameters=[api.AssessmentFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # noqa: ANN201
        found = self.filters()
        return selectors.assessment_list(
            self.request.user,
            group_id=found.get("group"),
            module_id=found.get("module"),
            since=found.get("since"),
            until=found.get("until"),
        )

    @extend_schema(
        request=api.AssessmentCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: api.AssessmentSerializer},
    )
    def post(self, request: Request) -> Response:
        """Добавить мероприятие (столбец журнала) с теми же проверками, что форма журнала."""
        access.require(request.user, "gradebook.add_assessment")
        written = api.AssessmentCreateSerializer(data=request.data)
        written.is_valid(raise_exception=True)
        fields = dict(written.validated_data)
        key = _idempotency_key(request)
        try:
            group, module = gradebook_selectors.module_for_group(
                request.user, fields["group"], fields["module"]
            )
        except Group.DoesNotExist:
            raise Problem(
                422,
                f"Группа № {fields['group']} не найдена.",
                errors=[{"field": "group", "detail": "Не найдена."}],
            ) from None
        except Module.DoesNotExist:
            raise Problem(
                422,
                f"Модуль № {fields['module']} не входит в программу группы.",
                errors=[{"field": "module", "detail": "Не входит в программу группы."}],
            ) from None
        if not access.may_grade(request.user, group.pk, module.pk):
            raise PermissionDenied(GRADES_BY)
        fields.update(group=group, module=module)
        try:
            outcome = services.create_assessment(
                by=request.user,
                token=request.auth,
                fields=fields,
                render=_render_assessment,
                key=key,
                fingerprint=services.request_fingerprint("POST", request.path, request.data) if key else "",
            )
        except services.KeyReused:
            raise _key_reused(key) from None
        response = Response(outcome.body, status=outcome.status_code)
        if outcome.repeated:
            response["Idempotent-Replayed"] = "true"
        return response


@extend_schema(tags=["Журнал"])
class AssessmentDetail(ApiView):
    """Одно мероприятие (столбец журнала), `ETag: "v<версия>"`."""

    @extend_schema(responses={200: api.AssessmentSerializer})
    def get(self, request: Request, pk: int) -> Response:
        assessment = selectors.assessment_for(request.user, pk)
        response = Response(api.AssessmentSerializer(assessment).data)
        response["ETag"] = _version_etag(assessment.version)
        return response

    @extend_schema(
        request=api.AssessmentChangeSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match", str, OpenApiParameter.HEADER, description='Версия мероприятия: "v3".'
            )
        ],
        responses={200: api.AssessmentSerializer},
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Изменить мероприятие: те же проверки, что в форме журнала; нужна версия, которую видел клиент."""
        access.require(request.user, "gradebook.change_assessment")
        assessment = selectors.assessment_for(request.user, pk)
        if not access.may_grade(request.user, assessment.group_id, assessment.module_id):
            raise PermissionDenied(CHANGED_BY)
        written = api.AssessmentChangeSerializer(assessment, data=request.data, partial=True)
        written.is_valid(raise_exception=True)
        changes = dict(written.validated_data)
        if_match = _version_from_if_match(request)
        expected = changes.pop("version", if_match)
        if expected is None:
            raise Problem(
                428, "Укажите версию мероприятия, которую вы видели: заголовок If-Match или поле version."
            )
        if "due_on" in changes and changes["due_on"] is None:
            changes["due_on"] = gradebook.default_due_on(changes.get("held_on", assessment.held_on))
        if changes.get("held_on") and "due_on" not in changes and assessment.due_on < changes["held_on"]:
            raise Problem(
                422,
                "Срок внесения оценок не может быть раньше даты мероприятия.",
                errors=[
                    {
                        "field": "due_on",
                        "detail": "Срок внесения оценок не может быть раньше даты мероприятия.",
                    }
                ],
            )
        assessment = services.update_assessment(
            by=request.user,
            token=request.auth,
            assessment=assessment,
            expected_version=expected,
            changes=changes,
        )
        response = Response(api.AssessmentSerializer(assessment).data)
        response["ETag"] = _version_etag(assessment.version)
        return response


@extend_schema(parameters=[api.GradeFilter], tags=["Журнал"])
class GradeList(ApiListView):
    serializer_class = api.GradeSerializer
    filter_class = api.GradeFilter
    learner_of = "enrollment.learner_id"

    def get_queryset(self):  # noqa: ANN201
        found = self.filters()
        return selectors.grade_list(
            self.request.user,
            group_id=found.get("group"),
            assessment_id=found.get("assessment"),
            since=found.get("since"),
            until=found.get("until"),
            changed_since=found.get("changed_since"),
        )


def _version_from_if_match(request: Request) -> int | None:
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    # "v3", or the "v3.<digest>" of a learner's, program's, group's or enrolment's read: the
    # version decides.
    text = header.removeprefix("W/").strip('"').removeprefix("v").partition(".")[0]
    if not text.isdigit() or len(text) > 9:
        raise Problem(400, f'If-Match: «{header[:40]}» — не версия записи (ожидается "v<число>").')
    return int(text)


def _version_etag(version: int) -> str:
    return f'"v{version}"'


@extend_schema(tags=["Журнал"])
class GradeCell(ApiView):
    """Одна ячейка журнала: мероприятие × зачисление."""

    @extend_schema(responses={200: api.GradeSerializer})
    def get(self, request: Request, assessment_pk: int, enrollment_pk: int) -> Response:
        assessment = selectors.assessment_for(request.user, assessment_pk)
        grade = (
            Grade.objects.select_related("enrollment")
            .filter(assessment=assessment, enrollment_id=enrollment_pk)
            .first()
        )
        if grade is None:
            raise Problem(
                404,
                f"Ячейка пуста или недоступна: оценки по зачислению № {enrollment_pk} "
                f"в мероприятии № {assessment.pk} нет.",
            )
        _mark(request, [grade.enrollment.learner_id])
        response = Response(api.GradeSerializer(grade).data)
        response["ETag"] = _version_etag(grade.version)
        return response

    @extend_schema(
        request=api.GradeWriteSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match", str, OpenApiParameter.HEADER, description='Версия ячейки: "v3"; "v0" — пустая.'
            )
        ],
        responses={
            200: api.GradeSerializer,
            204: OpenApiResponse(description="Пустую ячейку очистили: она пуста, как была."),
        },
    )
    def put(self, request: Request, assessment_pk: int, enrollment_pk: int) -> Response:
        """Поставить, исправить или очистить оценку; те же проверки, что в журнале."""
        access.require(request.user, "gradebook.add_grade")
        assessment = selectors.assessment_for(request.user, assessment_pk)
        written = api.GradeWriteSerializer(data=request.data)
        written.is_valid(raise_exception=True)
        enrollment = (
            Enrollment.objects.visible_to(request.user)
            .select_related("learner")
            .filter(pk=enrollment_pk, group_id=assessment.group_id)
            .first()
        )
        if enrollment is None:
            raise Problem(404, f"Зачисление № {enrollment_pk} не найдено в группе мероприятия.")
        if_match = _version_from_if_match(request)
        expected = written.validated_data.get("expected_version", if_match)
        if expected is None:
            raise Problem(
                428,
                "Укажите версию ячейки, которую вы видели: заголовок If-Match или поле expected_version.",
            )
        current = (
            Grade.objects.filter(assessment=assessment, enrollment=enrollment)
            .values_list("version", flat=True)
            .first()
            or 0
        )
        if if_match is not None and "expected_version" not in written.validated_data and current != if_match:
            raise Problem(412, f"Ячейка изменилась: сейчас её версия v{current}, а не v{if_match}.")
        grade = services.save_grade(
            by=request.user,
            token=request.auth,
            assessment=assessment,
            enrollment=enrollment,
            text=written.validated_data["value"],
            expected_version=expected,
            reason=written.validated_data["reason"],
        )
        if grade is None:
            response = Response(status=204)
            response["ETag"] = _version_etag(0)
            return response
        grade.enrollment = enrollment
        response = Response(api.GradeSerializer(grade).data)
        response["ETag"] = _version_etag(grade.version)
        return response


@extend_schema(
    tags=["Журнал"],
    request=api.BulkSerializer,
    parameters=[
        OpenApiParameter(
            "Idempotency-Key", str, OpenApiParameter.HEADER, description="Ключ запроса (до 100 символов)."
        )
    ],
    responses={200: api.BulkResultSerializer},
)
class GradeBulk(ApiView):
    """Загрузить столбец или лист оценок: всё или ничего, с отчётом по строкам."""

    def post(self, request: Request) -> Response:
        access.require(request.user, "gradebook.add_grade")
        written = api.BulkSerializer(data=request.data)
        written.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "").strip() or written.validated_data.get(
            "idempotency_key", ""
        )
        if len(key) > 100:
            raise Problem(400, "Ключ Idempotency-Key — не длиннее 100 символов.")
        rows = [
            services.CellInput(
                assessment=row["assessment"],
                enrollment=row["enrollment"],
                value=row["value"],
                expected_version=row["expected_version"],
                reason=row["reason"],
            )
            for row in written.validated_data["grades"]
        ]
        cells = [asdict(row) for row in rows]
        try:
            outcome = services.upsert_grades(
                by=request.user,
                token=request.auth,
                rows=rows,
                key=key,
                fingerprint=services.request_fingerprint("POST", request.path, cells),
            )
        except services.KeyReused:
            raise _key_reused(key) from None
        except services.RowErrors as refused:
            raise Problem(
                422,
                f"Ни одна оценка не сохранена: строк с ошибками — {len(refused.errors)}.",
                kind="rows-refused",
                errors=[{"row": e.row, "code": e.code, "detail": e.detail} for e in refused.errors],
            ) from None
        response = Response(outcome.body, status=outcome.status_code)
        if outcome.repeated:
            response["Idempotent-Replayed"] = "true"
        return response


@extend_schema(parameters=[api.DatedFilter], tags=["Аттестация и документы"])
class ProtocolList(ApiListView):
    serializer_class = api.ProtocolSerializer
    filter_class = api.DatedFilter

    def get_queryset(self):  # noqa: ANN201
        found = self.filters()
        return selectors.protocol_list(
            self.request.user, group_id=found.get("group"), since=found.get("since"), until=found.get("until")
        )


@extend_schema(tags=["Аттестация и документы"])
class ProtocolDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = api.ProtocolDetailSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        protocol = selectors.protocol_for(request.user, kwargs["pk"])
        results = list(selectors.protocol_results(protocol).select_related("enrollment"))
        _mark(request, [result.enrollment.learner_id for result in results])
        return Response(api.ProtocolDetailSerializer(protocol, context={"results": results}).data)


@extend_schema(parameters=[api.DatedFilter], tags=["Аттестация и документы"])
class DocumentList(ApiListView):
    serializer_class = api.DocumentSerializer
    filter_class = api.DatedFilter
    learner_of = "enrollment.learner_id"

    def get_queryset(self):  # noqa: ANN201
        found = self.filters()
        return selectors.document_list(
            self.request.user, group_id=found.get("group"), since=found.get("since"), until=found.get("until")
        )


@extend_schema(tags=["Аттестация и документы"])
class DocumentDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = api.DocumentSerializer

    def get_object(self):  # noqa: ANN201
        document = selectors.document_for(self.request.user, self.kwargs["pk"])
        _mark(self.request, [document.enrollment.learner_id])
        return document


@extend_schema(
    parameters=[api.VerifyQuery],
    responses={200: api.VerificationSerializer},
    tags=["Аттестация и документы"],
    auth=[],
)
class Verification(ApiView):
    """Проверка подлинности документа, как на публичной странице: по коду из QR-ссылки или по
    регистрационному номеру и фамилии. Доступна без токена; частые неудачи замедляются."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    filter_class = api.VerifyQuery

    def get(self, request: Request) -> Response:
        found = self.filters()
        outcome = documents.verify(
            ip_address=client_ip(request),
            code=found.get("code", ""),
            registration_number=found.get("registration_number", ""),
            last_name=found.get("last_name", ""),
        )
        if outcome.wait_seconds:
            wait = outcome.wait_seconds
            raise Problem(
                429, f"Слишком много неудачных проверок с вашего адреса. Повторите через {wait} с.", wait=wait
            )
        if outcome.document is None:
            raise Problem(
                404, "Документ с такими данными не найден. Проверьте регистрационный номер и фамилию."
            )
        return Response(api.VerificationSerializer(outcome.document).data)


class SchemaView(SpectacularAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from local files (drf-spectacular-sidecar), its script a separate file: the
    site's Content-Security-Policy allows no inline script or style."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"

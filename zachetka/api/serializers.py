"""What the API reads and writes, field by field. A learner's personal fields appear only as
far as the reader's role sees them (core.access.visible_personal_fields)."""

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zachetka.attestation.models import Protocol, ProtocolResult
from zachetka.core import access, names, snils
from zachetka.documents.models import Document
from zachetka.gradebook.models import Assessment, Grade, GradingScale
from zachetka.people.models import Learner
from zachetka.programs import selectors as program_selectors
from zachetka.programs.models import Enrollment, Group, Module, Program

# An id as the database keeps it (a bigint): anything larger is refused with a message, not sent
# to the database.
MAX_ID = 2**63 - 1


def _id(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class LearnerSerializer(serializers.Serializer):
    """Output only. Personal fields the reader's role does not see are left out of the object."""

    id = serializers.IntegerField(read_only=True)
    last_name = serializers.CharField(required=False)
    first_name = serializers.CharField(required=False)
    middle_name = serializers.CharField(required=False)
    sex = serializers.ChoiceField(choices=Learner.Sex.choices, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    snils = serializers.CharField(required=False, help_text="11 цифр без разделителей.")
    citizenship = serializers.CharField(required=False, help_text="Код ОКСМ.")
    email = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    representative_name = serializers.CharField(required=False)
    representative_kind = serializers.CharField(required=False)
    representative_phone = serializers.CharField(required=False)
    representative_email = serializers.CharField(required=False)
    education_level = serializers.CharField(required=False)
    diploma_last_name = serializers.CharField(required=False)
    diploma_series = serializers.CharField(required=False)
    diploma_number = serializers.CharField(required=False)
    version = serializers.IntegerField(read_only=True, help_text="Версия для правки (PATCH).")

    def to_representation(self, instance: Learner) -> dict[str, Any]:
        user = self.context["request"].user
        visible = access.visible_personal_fields(user, instance)
        data: dict[str, Any] = {"id": instance.pk}
        for name, field in self.fields.items():
            if name in visible:
                value = getattr(instance, name)
                data[name] = None if value is None else field.to_representation(value)
        data["version"] = instance.version
        return data


class ModuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Module
        fields = ["id", "order", "title", "hours", "attestation_form"]


class ProgramSerializer(serializers.ModelSerializer):
    modules = ModuleSerializer(many=True, read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "title",
            "kind",
            "hours",
            "study_form",
            "uses_distance_learning",
            "qualification",
            "field_of_activity",
            "is_active",
            "curators",
            "modules",
            "version",
        ]
        read_only_fields = ["curators", "version"]


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "code", "program", "starts_on", "ends_on", "curator", "version"]
        read_only_fields = ["version"]


class EnrollmentSerializer(serializers.ModelSerializer):
    learner_name = serializers.CharField(source="learner.full_name", read_only=True)

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "learner",
            "learner_name",
            "group",
            "status",
            "funding",
            "outcome",
            "admission_order_number",
            "admission_order_date",
            "expulsion_order_number",
            "expulsion_order_date",
            "expulsion_reason",
            "completed_on",
            "completion_order_number",
            "completion_order_date",
            "version",
        ]
        read_only_fields = ["version"]


class AssessmentSerializer(serializers.ModelSerializer):
    scale = serializers.CharField(source="scale.title", read_only=True)
    scale_kind = serializers.CharField(source="scale.kind", read_only=True)
    scale_id = serializers.IntegerField(read_only=True, help_text="Шкала: её номер для записи.")
    version = serializers.IntegerField(read_only=True, help_text="Версия для правки (PATCH).")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "group",
            "module",
            "title",
            "kind",
            "held_on",
            "due_on",
            "weight",
            "scale",
            "scale_kind",
            "scale_id",
            "version",
        ]


class GradeSerializer(serializers.ModelSerializer):
    learner = serializers.IntegerField(source="enrollment.learner_id", read_only=True)

    class Meta:
        model = Grade
        fields = [
            "id",
            "assessment",
            "enrollment",
            "learner",
            "value",
            "points",
            "is_passing",
            "is_absent",
            "is_late",
            "entered_at",
            "version",
        ]


class ProtocolResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProtocolResult
        fields = ["enrollment", "value", "is_passing", "is_absent", "decision", "qualification"]


class ProtocolSerializer(serializers.ModelSerializer):
    scale = serializers.CharField(source="scale.title", read_only=True)

    class Meta:
        model = Protocol
        fields = [
            "id",
            "kind",
            "number",
            "held_on",
            "group",
            "module",
            "attempt",
            "final_form",
            "status",
            "scale",
            "signed_at",
            "annulled_at",
        ]


class ProtocolDetailSerializer(ProtocolSerializer):
    results = serializers.SerializerMethodField()

    class Meta(ProtocolSerializer.Meta):
        fields = [*ProtocolSerializer.Meta.fields, "results"]

    @extend_schema_field(ProtocolResultSerializer(many=True))
    def get_results(self, protocol: Protocol) -> list[dict[str, Any]]:
        return ProtocolResultSerializer(self.context["results"], many=True).data


class DocumentSerializer(serializers.ModelSerializer):
    group = serializers.IntegerField(source="enrollment.group_id", read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "registration_number",
            "kind",
            "issue",
            "state",
            "enrollment",
            "group",
            "protocol",
            "series",
            "number",
            "issued_on",
            "last_name",
            "first_name",
            "middle_name",
            "program_title",
            "program_kind",
            "qualification",
            "hours",
            "studied_from",
            "studied_to",
        ]


class VerificationSerializer(serializers.Serializer):
    """What the public verification page shows of a document, and no more."""

    is_valid = serializers.BooleanField()
    state = serializers.ChoiceField(choices=Document.State.choices)
    kind = serializers.ChoiceField(choices=Document.Kind.choices)
    registration_number = serializers.CharField()
    issued_on = serializers.DateField()
    holder = serializers.CharField(source="short_name", help_text="Фамилия и инициалы владельца.")
    program_title = serializers.CharField()
    hours = serializers.IntegerField()


# --- Query parameters ---


class GroupFilter(serializers.Serializer):
    group = _id(required=False, help_text="Только эта группа.")


class DatedFilter(GroupFilter):
    since = serializers.DateField(required=False, help_text="С этой даты (ГГГГ-ММ-ДД) включительно.")
    until = serializers.DateField(required=False, help_text="По эту дату (ГГГГ-ММ-ДД) включительно.")


class GroupListFilter(serializers.Serializer):
    program = _id(required=False)
    on = serializers.DateField(required=False, help_text="Группы, которые учатся в этот день.")


_CHANGED_SINCE = (
    "Только записи, изменённые начиная с этого момента: ISO 8601 с часовым поясом, например "
    "2026-11-30T09:00:00+03:00 (без пояса — московское время). Для синхронизации: запомните время "
    "запроса и передайте его в следующий раз."
)


def _changed_since() -> serializers.DateTimeField:
    return serializers.DateTimeField(required=False, help_text=_CHANGED_SINCE)


class LearnerFilter(GroupFilter):
    changed_since = _changed_since()


class EnrollmentFilter(GroupFilter):
    status = serializers.ChoiceField(choices=Enrollment.Status.choices, required=False)
    on = serializers.DateField(required=False, help_text="Зачисления в группы, которые учатся в этот день.")
    changed_since = _changed_since()


class AssessmentFilter(DatedFilter):
    module = _id(required=False)


class GradeFilter(DatedFilter):
    assessment = _id(required=False)
    changed_since = serializers.DateTimeField(
        required=False,
        help_text=f'{_CHANGED_SINCE} С этим фильтром в ответе есть и очищенные ячейки (value — "").',
    )


class VerifyQuery(serializers.Serializer):
    code = serializers.CharField(required=False, max_length=64, help_text="Код из QR-ссылки документа.")
    registration_number = serializers.CharField(required=False, max_length=30)
    last_name = serializers.CharField(required=False, max_length=50, help_text="Фамилия владельца.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("code") and not (attrs.get("registration_number") and attrs.get("last_name")):
            raise serializers.ValidationError(
                "Укажите код из QR-ссылки или регистрационный номер вместе с фамилией владельца."
            )
        return attrs


# --- Assessment writes: the checks of the gradebook's form (gradebook.forms.AssessmentForm) ---

_DUE_BEFORE_HELD = "Срок внесения оценок не может быть раньше даты мероприятия."


class AssessmentChangeSerializer(serializers.Serializer):
    """The fields of an assessment a grader may change (the HTML form's), all optional."""

    held_on = serializers.DateField(required=False, help_text="Дата мероприятия, ГГГГ-ММ-ДД.")
    title = serializers.CharField(required=False, max_length=120)
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices, required=False)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    scale = _id(required=False, help_text="Номер действующей шкалы.")
    due_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Внести оценки до; не указано — через установленное число дней после даты мероприятия.",
    )
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text="Версия, которую видел клиент; вместо неё можно передать If-Match.",
    )

    def validate_weight(self, value: Any) -> Any:
        if value <= 0:
            raise serializers.ValidationError("Вес должен быть больше нуля.")
        return value

    def validate_scale(self, value: int) -> GradingScale:
        scale = GradingScale.objects.filter(is_active=True, pk=value).first()
        if scale is None:
            raise serializers.ValidationError(f"Действующей шкалы № {value} нет.")
        return scale

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = self.instance
        held_on = attrs.get("held_on", instance.held_on if instance else None)
        due_on = attrs.get("due_on")
        if held_on and due_on and due_on < held_on:
            raise serializers.ValidationError({"due_on": _DUE_BEFORE_HELD})
        return attrs


class AssessmentCreateSerializer(AssessmentChangeSerializer):
    group = _id(help_text="Группа.")
    module = _id(help_text="Модуль программы группы.")
    held_on = serializers.DateField(help_text="Дата мероприятия, ГГГГ-ММ-ДД.")
    title = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices, default=Assessment.Kind.CURRENT)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, default=Decimal(1))
    scale = _id(help_text="Номер действующей шкалы.")
    version = None


# --- Writes of learners, programs, groups and enrolments: the checks of the site's forms
# (people.forms.LearnerForm, programs.forms); the model's own rules (names, dates, СНИЛС,
# uniqueness) are checked by the domain services, which answer 422 naming the field. ---

VERSION_HELP = "Версия, которую видел клиент; вместо неё можно передать If-Match."


def _version() -> serializers.IntegerField:
    return serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1, help_text=VERSION_HELP)


def _text(max_length: int, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, **kwargs)


def _user(self: serializers.Serializer) -> Any:
    return self.context["request"].user


class LearnerChangeSerializer(serializers.Serializer):
    """The fields of the learner form (Learner.AUDITED_FIELDS), all optional."""

    last_name = serializers.CharField(required=False, max_length=names.NAME_MAX_LENGTH)
    first_name = serializers.CharField(required=False, max_length=names.NAME_MAX_LENGTH)
    middle_name = _text(names.NAME_MAX_LENGTH)
    sex = serializers.ChoiceField(choices=Learner.Sex.choices, required=False)
    birth_date = serializers.DateField(required=False, help_text="ГГГГ-ММ-ДД.")
    snils = _text(14, help_text="11 цифр, можно с дефисами и пробелом: 112-233-445 95.")
    citizenship = serializers.CharField(required=False, max_length=3, help_text="Код ОКСМ, 643 — Россия.")
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = _text(32)
    education_level = serializers.ChoiceField(
        choices=Learner.EducationLevel.choices, required=False, allow_blank=True
    )
    diploma_last_name = _text(names.NAME_MAX_LENGTH)
    diploma_series = _text(20)
    diploma_number = _text(40)
    representative_name = _text(names.FULL_NAME_MAX_LENGTH)
    representative_kind = _text(50)
    representative_phone = _text(32)
    representative_email = serializers.EmailField(required=False, allow_blank=True)
    version = _version()
    reason = _text(500, help_text="Основание изменения: попадёт в журнал изменений.")

    def validate_snils(self, value: str) -> str:
        if not value:
            return ""
        try:
            return snils.normalize(value)
        except snils.SnilsError as error:
            raise serializers.ValidationError(str(error)) from error


class LearnerCreateSerializer(LearnerChangeSerializer):
    last_name = serializers.CharField(max_length=names.NAME_MAX_LENGTH)
    first_name = serializers.CharField(max_length=names.NAME_MAX_LENGTH)
    sex = serializers.ChoiceField(choices=Learner.Sex.choices)
    birth_date = serializers.DateField(help_text="ГГГГ-ММ-ДД.")
    version = None
    reason = None


_RETRAINING_QUALIFICATION = "Для профессиональной переподготовки укажите присваиваемую квалификацию."


class ProgramChangeSerializer(serializers.Serializer):
    """The fields of the program form, all optional; `curators` replaces the program's curators."""

    title = serializers.CharField(required=False, max_length=255)
    kind = serializers.ChoiceField(choices=Program.Kind.choices, required=False)
    hours = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    study_form = serializers.ChoiceField(choices=Program.StudyForm.choices, required=False)
    uses_distance_learning = serializers.BooleanField(required=False)
    qualification = _text(255)
    field_of_activity = _text(255)
    is_active = serializers.BooleanField(required=False, help_text="Набор открыт.")
    curators = serializers.ListField(
        child=_id(), required=False, max_length=100, help_text="Номера сотрудников с ролью куратора."
    )
    version = _version()

    def validate_curators(self, value: list[int]) -> list[User]:
        found = {user.pk: user for user in program_selectors.curators().filter(pk__in=value)}
        missing = [str(pk) for pk in value if pk not in found]
        if missing:
            raise serializers.ValidationError(f"Нет кураторов программы с номерами: {', '.join(missing)}.")
        return list(found.values())

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = self.instance
        kind = attrs.get("kind", instance.kind if instance else "")
        qualification = attrs.get("qualification", instance.qualification if instance else "")
        if kind == Program.Kind.RETRAINING and not qualification:
            raise serializers.ValidationError({"qualification": _RETRAINING_QUALIFICATION})
        return attrs


class ProgramCreateSerializer(ProgramChangeSerializer):
    title = serializers.CharField(max_length=255)
    kind = serializers.ChoiceField(choices=Program.Kind.choices)
    hours = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    study_form = serializers.ChoiceField(
        choices=Program.StudyForm.choices, default=Program.StudyForm.FULL_TIME
    )
    uses_distance_learning = serializers.BooleanField(default=False)
    is_active = serializers.BooleanField(default=True, help_text="Набор открыт.")
    version = None


class GroupChangeSerializer(serializers.Serializer):
    """The fields of the group form, all optional; the program among those the client sees."""

    code = serializers.CharField(required=False, max_length=32, help_text="Шифр группы.")
    program = _id(required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    curator = _id(required=False, allow_null=True, help_text="Куратор группы; null — без куратора.")
    version = _version()

    def validate_program(self, value: int) -> Program:
        program = Program.objects.visible_to(_user(self)).filter(pk=value).first()
        if program is None:
            raise serializers.ValidationError(f"Программа № {value} не найдена.")
        return program

    def validate_curator(self, value: int | None) -> User | None:
        if value is None:
            return None
        curator = program_selectors.curators().filter(pk=value).first()
        if curator is None:
            raise serializers.ValidationError(f"Куратора программы № {value} нет.")
        return curator

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = self.instance
        starts_on = attrs.get("starts_on", instance.starts_on if instance else None)
        ends_on = attrs.get("ends_on", instance.ends_on if instance else None)
        if starts_on and ends_on and ends_on < starts_on:
            raise serializers.ValidationError({"ends_on": "Дата окончания раньше даты начала."})
        return attrs


class GroupCreateSerializer(GroupChangeSerializer):
    code = serializers.CharField(max_length=32, help_text="Шифр группы.")
    program = _id()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    version = None


class EnrollmentCreateSerializer(serializers.Serializer):
    """Enrol a learner in a group: the fields of the group's «Зачислить» form."""

    learner = _id(help_text="Слушатель.")
    group = _id(help_text="Группа.")
    funding = serializers.ChoiceField(
        choices=Enrollment.Funding.choices, default=Enrollment.Funding.INDIVIDUAL
    )
    admission_order_number = _text(50, default="")
    admission_order_date = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_learner(self, value: int) -> Learner:
        learner = Learner.objects.visible_to(_user(self)).filter(pk=value).first()
        if learner is None:
            raise serializers.ValidationError(f"Слушатель № {value} не найден.")
        return learner

    def validate_group(self, value: int) -> Group:
        group = Group.objects.visible_to(_user(self)).filter(pk=value).first()
        if group is None:
            raise serializers.ValidationError(f"Группа № {value} не найдена.")
        return group


class EnrollmentChangeSerializer(serializers.Serializer):
    """The fields of the enrolment edit page, all optional; statuses move as the site lets them."""

    status = serializers.ChoiceField(choices=Enrollment.Status.choices, required=False)
    funding = serializers.ChoiceField(choices=Enrollment.Funding.choices, required=False)
    admission_order_number = _text(50)
    admission_order_date = serializers.DateField(required=False, allow_null=True)
    expulsion_order_number = _text(50)
    expulsion_order_date = serializers.DateField(required=False, allow_null=True)
    expulsion_reason = _text(255)
    completed_on = serializers.DateField(required=False, allow_null=True)
    completion_order_number = _text(50)
    completion_order_date = serializers.DateField(required=False, allow_null=True)
    version = _version()
    reason = _text(
        500,
        help_text="Основание изменения; для возврата к обучению после завершения или отчисления обязательно.",
    )


# --- Grade writes ---


class GradeWriteSerializer(serializers.Serializer):
    value = serializers.CharField(
        allow_blank=True,
        max_length=20,
        trim_whitespace=True,
        help_text="Оценка, как её вводят в журнал; «» — очистить.",
    )
    expected_version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text="Версия ячейки, которую видел клиент (0 — пустая). Вместо неё можно передать If-Match.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class BulkCellSerializer(GradeWriteSerializer):
    assessment = _id()
    enrollment = _id()
    expected_version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)


class BulkSerializer(serializers.Serializer):
    grades = BulkCellSerializer(many=True, allow_empty=False, max_length=10_000)
    idempotency_key = serializers.CharField(
        required=False, max_length=100, help_text="Ключ запроса; можно передать заголовком Idempotency-Key."
    )


class CellSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Номер строки запроса, с 0.")
    assessment = serializers.IntegerField()
    enrollment = serializers.IntegerField()
    value = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()


class BulkResultSerializer(serializers.Serializer):
    saved = serializers.IntegerField()
    cells = CellSerializer(many=True)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField(), required=False)

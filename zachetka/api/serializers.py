"""What the API reads and writes, field by field. A learner's personal fields appear only as
far as the reader's role sees them (core.access.visible_personal_fields)."""

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zachetka.attestation.models import Protocol, ProtocolResult
from zachetka.core import access
from zachetka.documents.models import Document
from zachetka.gradebook.models import Assessment, Grade, GradingScale
from zachetka.people.models import Learner
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

    def to_representation(self, instance: Learner) -> dict[str, Any]:
        user = self.context["request"].user
        visible = access.visible_personal_fields(user, instance)
        data: dict[str, Any] = {"id": instance.pk}
        for name, field in self.fields.items():
            if name in visible:
                value = getattr(instance, name)
                data[name] = None if value is None else field.to_representation(value)
        return data


class ModuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Module
        fields = ["id", "order", "title", "hours", "attestation_form"]


class ProgramSerializer(serializers.ModelSerializer):
    modules = ModuleSerializer(many=True, read_only=True)

    class Meta:
        model = Program
        fields = ["id", "title", "kind", "hours", "study_form", "qualification", "is_active", "modules"]


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "code", "program", "starts_on", "ends_on", "curator"]


class EnrollmentSerializer(serializers.ModelSerializer):
    learner_name = serializers.CharField(source="learner.full_name", read_only=True)

    class Meta:
        model = Enrollment
        fields = ["id", "learner", "learner_name", "group", "status", "funding", "outcome", "completed_on"]


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


class EnrollmentFilter(GroupFilter):
    status = serializers.ChoiceField(choices=Enrollment.Status.choices, required=False)


class AssessmentFilter(DatedFilter):
    module = _id(required=False)


class GradeFilter(DatedFilter):
    assessment = _id(required=False)


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

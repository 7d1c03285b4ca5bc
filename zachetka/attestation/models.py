"""Intermediate and final attestation (273-ФЗ art. 58–60): commissions, numbered protocols,
their results, retakes and academic debt."""

from typing import Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from zachetka.core import access, dbroles

Actor = User | AnonymousUser

# Programs whose final attestation awards a qualification that the commission's decision names:
# professional retraining (диплом) and vocational training (свидетельство, with the grade).
QUALIFYING_PROGRAM_KINDS = ("pp", "po")


class Commission(models.Model):
    """An attestation commission approved by an order: chair, members and a secretary."""

    title = models.CharField("наименование", max_length=255)
    program = models.ForeignKey(
        "programs.Program",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="commissions",
        verbose_name="программа",
    )
    group = models.ForeignKey(
        "programs.Group",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="commissions",
        verbose_name="группа",
    )
    order_number = models.CharField("№ приказа о составе", max_length=50)
    order_date = models.DateField("дата приказа")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-order_date", "pk"]
        verbose_name = "аттестационная комиссия"
        verbose_name_plural = "аттестационные комиссии"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(program__isnull=False) | models.Q(group__isnull=False),
                name="commission_for_program_or_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (приказ № {self.order_number} от {self.order_date:%d.%m.%Y})"


class CommissionMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "председатель"
        MEMBER = "member", "член комиссии"
        SECRETARY = "secretary", "секретарь"

    commission = models.ForeignKey(Commission, models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="commission_seats")
    role = models.CharField("роль", max_length=10, choices=Role)

    class Meta:
        ordering = ["commission", "role", "pk"]
        verbose_name = "член комиссии"
        verbose_name_plural = "состав комиссии"
        constraints = [
            models.UniqueConstraint(fields=["commission", "user"], name="commission_member_once"),
            models.UniqueConstraint(
                fields=["commission", "role"],
                condition=models.Q(role__in=["chair", "secretary"]),
                name="commission_one_chair_one_secretary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"


class ProtocolCounter(models.Model):
    """The last number used per kind and year; locked while a number is taken, so numbers are
    unique and leave no gaps even when two protocols are created at the same moment."""

    kind = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    DB_WRITES = dbroles.NEVER_DELETED

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="protocol_counter_unique")]

    def __str__(self) -> str:
        return f"{self.kind}-{self.year}: {self.last}"


class ProtocolQuerySet(models.QuerySet):
    def visible_to(self, user: Actor) -> Self:
        return self.filter(access.group_scope(user, prefix="group__"))


class Protocol(models.Model):
    """A sitting's record: an intermediate statement of a module or a final attestation protocol.

    A draft is filled in and signed; a signed protocol is a legal record and never changes. A
    mistake is corrected by annulling it (with a reason) and issuing a new one that refers to it.
    """

    class Kind(models.TextChoices):
        INTERMEDIATE = "intermediate", "ведомость промежуточной аттестации"
        FINAL = "final", "протокол итоговой аттестации"

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        SIGNED = "signed", "подписан"
        ANNULLED = "annulled", "аннулирован"

    class FinalForm(models.TextChoices):
        EXAM = "exam", "итоговый экзамен"
        DEFENSE = "defense", "защита итоговой работы"
        TEST = "test", "итоговое тестирование"
        # The one form of final attestation of vocational training (273-ФЗ art. 74 ч. 1).
        QUALIFICATION_EXAM = "qual_exam", "квалификационный экзамен"

    NUMBER_PREFIX = {Kind.INTERMEDIATE: "ПА", Kind.FINAL: "ИА"}
    # A draft drawn up by mistake is annulled too (it never took effect), so that its
    # replacement can be drawn up: only one is in force at a time.
    NEXT_STATUSES = {Status.DRAFT: {Status.SIGNED, Status.ANNULLED}, Status.SIGNED: {Status.ANNULLED}}

    kind = models.CharField("вид", max_length=12, choices=Kind)
    number = models.CharField("номер", max_length=20, unique=True)
    held_on = models.DateField("дата заседания")
    group = models.ForeignKey(
        "programs.Group", models.PROTECT, related_name="protocols", verbose_name="группа"
    )
    module = models.ForeignKey(
        "programs.Module",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="protocols",
        verbose_name="модуль",
    )
    attempt = models.PositiveSmallIntegerField(
        "попытка", default=1, help_text="1 — аттестация, 2 и 3 — повторные (пересдачи)."
    )
    final_form = models.CharField("форма итоговой аттестации", max_length=10, choices=FinalForm, blank=True)
    commission = models.ForeignKey(
        Commission, models.PROTECT, null=True, blank=True, related_name="protocols", verbose_name="комиссия"
    )
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="преподаватель",
    )
    scale = models.ForeignKey(
        "gradebook.GradingScale", models.PROTECT, related_name="+", verbose_name="шкала"
    )
    status = models.CharField("статус", max_length=10, choices=Status, default=Status.DRAFT)
    replaces = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name="взамен протокола",
    )
    chair_signed_at = models.DateTimeField(null=True, blank=True)
    secretary_signed_at = models.DateTimeField(null=True, blank=True)
    examiner_signed_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    annulled_at = models.DateTimeField(null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    annul_reason = models.TextField("основание аннулирования", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProtocolQuerySet.as_manager()

    # Protocols are never deleted: a mistaken one is annulled and stays on record.
    DB_WRITES = dbroles.NEVER_DELETED

    class Meta:
        ordering = ["-held_on", "-number"]
        verbose_name = "протокол аттестации"
        verbose_name_plural = "протоколы аттестации"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="intermediate") | models.Q(module__isnull=False),
                name="intermediate_protocol_has_module",
            ),
            models.CheckConstraint(
                condition=models.Q(attempt__gte=1) & models.Q(attempt__lte=3), name="protocol_attempt_1_to_3"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="annulled") | ~models.Q(annul_reason=""),
                name="annulled_protocol_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="annulled")
                | models.Q(annulled_by__isnull=False, annulled_at__isnull=False),
                name="annulled_protocol_has_actor_and_time",
            ),
            # One final protocol in force per group: another only in place of an annulled one.
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(kind="final") & ~models.Q(status="annulled"),
                name="one_final_protocol_in_force_per_group",
            ),
            # One statement per module and attempt; a mistaken one is annulled and replaced.
            models.UniqueConstraint(
                fields=["group", "module", "attempt"],
                condition=models.Q(kind="intermediate") & ~models.Q(status="annulled"),
                name="one_statement_per_module_attempt",
            ),
        ]

    def __str__(self) -> str:
        return f"№ {self.number}"

    def can_become(self, status: str) -> bool:
        return status in self.NEXT_STATUSES.get(self.status, ())

    @classmethod
    def final_forms_for(cls, program_kind: str) -> list[str]:
        """The forms of final attestation a program of this kind admits: vocational training
        ends in a qualification exam and nothing else (273-ФЗ art. 74 ч. 1); that exam belongs to
        vocational training only."""
        if program_kind == "po":
            return [cls.FinalForm.QUALIFICATION_EXAM]
        return [form for form in cls.FinalForm.values if form != cls.FinalForm.QUALIFICATION_EXAM]

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def awards_grade(self) -> bool:
        """A qualification exam awards each passing learner a grade (разряд, класс, категория)."""
        return self.final_form == self.FinalForm.QUALIFICATION_EXAM


class ProtocolResult(models.Model):
    """One learner's line in a protocol."""

    class Decision(models.TextChoices):
        QUALIFICATION_DOCUMENT = "document", "выдать документ о квалификации (обучении)"
        CERTIFICATE_OF_STUDY = "certificate", "выдать справку об обучении"

    protocol = models.ForeignKey(Protocol, models.PROTECT, related_name="results")
    enrollment = models.ForeignKey("programs.Enrollment", models.PROTECT, related_name="attestation_results")
    value = models.CharField("результат", max_length=20, blank=True)
    is_passing = models.BooleanField(default=False)
    is_absent = models.BooleanField(default=False)
    work_topic = models.CharField("тема итоговой работы", max_length=500, blank=True)
    decision = models.CharField("решение комиссии", max_length=12, choices=Decision, blank=True)
    # Vocational training (ПО): the grade awarded with the profession, «3 разряд», «категория B».
    qualification_grade = models.CharField(
        "квалификационный разряд, класс, категория", max_length=100, blank=True
    )
    # The qualification the decision awards a passing learner of ПП or ПО, as it stood when the
    # protocol was signed (the program may be renamed later; the protocol keeps what it decided).
    qualification = models.CharField("присвоенная квалификация", max_length=255, blank=True)

    DB_WRITES = dbroles.NEVER_DELETED

    class Meta:
        ordering = ["protocol", "enrollment__learner__last_name", "enrollment__learner__first_name"]
        verbose_name = "результат аттестации"
        verbose_name_plural = "результаты аттестации"
        constraints = [
            models.UniqueConstraint(fields=["protocol", "enrollment"], name="protocol_result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.value or '—'}"


class ProtocolMember(models.Model):
    """A commission member at one sitting: present or not, and their signature under the
    protocol. Copied from the commission when the protocol is drawn up; a signed protocol's
    rows never change (database triggers hold them)."""

    protocol = models.ForeignKey(Protocol, models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    role = models.CharField("роль", max_length=10, choices=CommissionMember.Role)
    is_present = models.BooleanField("присутствие на заседании", default=False)
    signed_at = models.DateTimeField("подпись поставлена", null=True, blank=True)

    # Part of the protocol's record: never deleted.
    DB_WRITES = dbroles.NEVER_DELETED

    class Meta:
        ordering = ["protocol", "pk"]
        verbose_name = "член комиссии на заседании"
        verbose_name_plural = "состав комиссии на заседании"
        constraints = [
            models.UniqueConstraint(fields=["protocol", "user"], name="protocol_member_once"),
            models.CheckConstraint(
                condition=models.Q(signed_at__isnull=True) | models.Q(is_present=True),
                name="protocol_member_signs_only_if_present",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"


class AcademicDebt(models.Model):
    """A failed or missed intermediate attestation of a module (273-ФЗ art. 58 ч. 2), owed until
    a later sitting passes it."""

    enrollment = models.ForeignKey("programs.Enrollment", models.PROTECT, related_name="academic_debts")
    module = models.ForeignKey("programs.Module", models.PROTECT, related_name="academic_debts")
    arisen_from = models.ForeignKey(Protocol, models.PROTECT, related_name="debts_arisen")
    due_on = models.DateField("ликвидировать до")
    closed_by = models.ForeignKey(
        Protocol, models.PROTECT, null=True, blank=True, related_name="debts_closed"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    DB_WRITES = dbroles.NEVER_DELETED

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "академическая задолженность"
        verbose_name_plural = "академические задолженности"
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "module"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_debt_per_module",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}/{self.module_id} до {self.due_on:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

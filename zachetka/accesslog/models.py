"""The access log: who opened which page or file showing learners' data, and when.

One row per request, whatever the number of learners the response showed (a group page of
300 learners is one row). The learners are kept in that row as a text list `,12,45,78,`, so
the question «who looked at learner X» is a substring search for `,X,` on SQLite and PostgreSQL
alike, narrowed first by the indexed `at` of the period asked about. Why this design, and what
it costs: zachetka.accesslog.middleware.

No IP address is kept: the row names the signed-in account, which is what the question asks;
an address would be one more piece of personal data needing its own erasure, on a table that
is append-only.
"""

from django.db import models
from django.db.models.functions import StrIndex

from zachetka.core import dbroles


class AccessRecordQuerySet(models.QuerySet):
    def about_learner(self, learner_id: int) -> "AccessRecordQuerySet":
        """Records of responses that showed this learner's data.

        StrIndex is INSTR on SQLite and STRPOS on PostgreSQL: a plain substring search, where
        `contains` would go through the project's Unicode-aware LIKE on SQLite (core.sqlite),
        a Python call per row."""
        position = StrIndex("learner_ids", models.Value(f",{int(learner_id)},"))
        return self.alias(position=position).filter(position__gt=0)


class AccessRecord(models.Model):
    class Kind(models.TextChoices):
        PAGE = "page", "страница"
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"
        ZIP = "zip", "архив ZIP"
        OTHER = "other", "файл"

    at = models.DateTimeField(db_index=True)
    # The account as it was at the time: its id, «Фамилия Имя Отчество» and roles (the account
    # may later be renamed or lose a role; the record keeps who looked, as they were).
    user_id = models.BigIntegerField(db_index=True)
    actor_name = models.CharField(max_length=150)
    actor_roles = models.CharField(max_length=200, blank=True)
    view_name = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=255)
    kind = models.CharField(max_length=5, choices=Kind, default=Kind.PAGE)
    # «,12,45,78,»: every learner the response concerned, commas around each id.
    learner_ids = models.TextField()
    learner_count = models.PositiveIntegerField()

    objects = AccessRecordQuerySet.as_manager()

    DB_WRITES = dbroles.APPEND_ONLY

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "запись журнала доступа"
        verbose_name_plural = "журнал доступа к сведениям слушателей"

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.actor_name} {self.view_name}"

    @staticmethod
    def encode(learner_ids: "set[int] | list[int]") -> str:
        return "," + ",".join(str(pk) for pk in sorted(set(learner_ids))) + ","

    @property
    def learners(self) -> list[int]:
        return [int(part) for part in self.learner_ids.strip(",").split(",") if part]

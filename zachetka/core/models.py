from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def about(self, obj: models.Model) -> "AuditEventQuerySet":
        return self.filter(subject_type=obj._meta.label_lower, subject_id=str(obj.pk))


class AuditEvent(models.Model):
    """One entry of the append-only audit trail.

    Entries are numbered without gaps (`seq`) and hash-chained: `hash` covers every field and
    `prev_hash`, so an entry altered, removed or slipped in behind the application's back
    breaks the chain (`manage.py verify_audit`). Only `core.audit.record` writes them.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_repr = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    subject_repr = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.CharField(max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name = "событие журнала аудита"
        verbose_name_plural = "журнал аудита"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.subject_repr}"


class AuditChainHead(models.Model):
    """The single row that serialises appends to the chain (locked with SELECT … FOR UPDATE).

    It remembers the last sequence number and hash, so deleting the newest events is detected
    as well as deleting any in the middle.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"

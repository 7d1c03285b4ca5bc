from django.db import models

from zachetka.core import dbroles


class AuditEventQuerySet(models.QuerySet):
    def about(self, obj: models.Model) -> "AuditEventQuerySet":
        return self.filter(subject_type=obj._meta.label_lower, subject_id=str(obj.pk))

    def opened(self) -> list["AuditEvent"]:
        """The events as they are to be read: a learner's sealed data opened (core.sealing)."""
        from zachetka.core import sealing

        return sealing.opened(self)


class AuditEvent(models.Model):
    """One entry of the append-only audit trail.

    Entries are numbered without gaps (`seq`) and hash-chained: `hash` is an HMAC, under the key
    named by `key_id`, of every field and `prev_hash`, so an entry altered, removed or slipped in
    behind the application's back breaks the chain (`manage.py verify_audit`), and recomputing
    the chain needs the key, which lives outside the database. Entries written before the chain
    was keyed have an empty `key_id` and a plain SHA-256. Only `core.audit.record` writes them.
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
    key_id = models.CharField(max_length=16, blank=True)
    # The learner whose personal data the event holds, sealed under their key (core.sealing).
    learner_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    DB_WRITES = dbroles.APPEND_ONLY

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
    as well as deleting any in the middle; `mac` (an HMAC of both under the audit key) shows
    whether the head itself was moved by someone without the key.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    mac = models.CharField(max_length=64, blank=True)

    DB_WRITES = dbroles.NEVER_DELETED

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"


class SubmissionKey(models.Model):
    """A form's one-time key and what its first submission made.

    A form that creates a record of which there is only one (a protocol, a document) carries a
    fresh key; the key is unique here, so a second submission of the same form (a double click,
    a resent request) waits for the first, finds its key taken and is shown the first result.
    """

    key = models.UUIDField(unique=True)
    user_id = models.BigIntegerField()
    purpose = models.CharField(max_length=64)
    result_url = models.CharField(max_length=255, blank=True)
    result_message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "ключ отправки формы"
        verbose_name_plural = "ключи отправки форм"

    def __str__(self) -> str:
        return f"{self.purpose} {self.key}"


class SubjectKey(models.Model):
    """The key that seals a learner's personal data in the audit trail (core.sealing).

    Deleting it, when the learner's data is destroyed by an act, leaves the trail verifiable and
    what it held about the person unreadable. Keys are never changed, only made and deleted."""

    learner_id = models.BigIntegerField(unique=True)
    key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    DB_WRITES = dbroles.Writes(update=(), delete=True)

    class Meta:
        verbose_name = "ключ сведений слушателя в журнале аудита"
        verbose_name_plural = "ключи сведений слушателей в журнале аудита"

    def __str__(self) -> str:
        return f"key of learner {self.learner_id}"


class CacheEntry(models.Model):
    """A row of Django's database cache (ZACHETKA_CACHE=db, the default in production).

    The table is the one `manage.py createcachetable` would make, declared as a model so that
    `migrate` creates it on every server and the application's role gets its rights with the
    other tables (core.dbroles). Only Django's DatabaseCache reads and writes it."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "zachetka_cache"
        verbose_name = "запись кеша"
        verbose_name_plural = "записи кеша"

    def __str__(self) -> str:
        return self.cache_key

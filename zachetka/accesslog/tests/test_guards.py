"""The access log is append-only in the database itself."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from zachetka.accesslog.models import AccessRecord


def _record() -> AccessRecord:
    return AccessRecord.objects.create(
        at=timezone.now(),
        user_id=1,
        actor_name="Директорова Ольга",
        view_name="web:learner_detail",
        path="/learners/1/",
        learner_ids=",1,",
        learner_count=1,
    )


@pytest.mark.django_db
def test_update_is_refused():
    record = _record()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).update(actor_name="Кто-то другой")
    record.refresh_from_db()
    assert record.actor_name == "Директорова Ольга"


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE open for the test suite's flush"
)
def test_delete_is_refused():
    record = _record()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).delete()
    assert AccessRecord.objects.filter(pk=record.pk).exists()

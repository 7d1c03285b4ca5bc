"""Progress a running job reports, written to its row for the page that polls it."""

import time
import weakref

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from zachetka.jobs.models import Job

# Writing the row at most this often keeps a job of 10,000 small steps from spending its time
# on progress updates; the page polls about once a second.
_MIN_INTERVAL_S = 0.25


def _inside_the_work_transaction() -> bool:
    """Whether the job reports from inside a transaction of its own work (an export that marks
    documents, an import): what it writes there is seen by the polling page only at the end.
    (A test's own wrapping transaction does not count: nothing outside the test polls.)"""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


class Progress:
    def __init__(self, job_id: object) -> None:
        self._job_id = job_id
        self._last_write = 0.0
        self._aside: BaseDatabaseWrapper | None = None

    def step(self, done: int, total: int, stage: str = "", *, force: bool = False) -> None:
        """`done` of `total` units finished; `stage` says what is happening in Russian
        («страница 12 из 40»)."""
        now = time.monotonic()
        if not force and done < total and now - self._last_write < _MIN_INTERVAL_S:
            return
        self._last_write = now
        self._write(done=done, total=total, stage=stage[:200])

    def stage(self, text: str) -> None:
        """A short step between counted ones (reading the file, the report): the text only,
        the count stays."""
        self._last_write = time.monotonic()
        self._write(stage=text[:200])

    def working(self, text: str, *, force: bool = True) -> None:
        """A step whose length is not known (a PDF laid out page by page): the text, and no
        count, so the page shows a bar that only says work goes on. `force=False` lets a stage
        told many times a second (each page laid out) be written at the rate limit."""
        now = time.monotonic()
        if not force and now - self._last_write < _MIN_INTERVAL_S:
            return
        self._last_write = now
        self._write(stage=text[:200], done=0, total=0)

    def _write(self, **fields: object) -> None:
        fields["heartbeat_at"] = timezone.now()
        if connection.vendor == "postgresql" and _inside_the_work_transaction():
            self._write_aside(fields)
            return
        # SQLite (one machine, one writer at a time) has no second connection to spare: the
        # row is written in the work's transaction.
        Job.objects.filter(pk=self._job_id, status=Job.Status.RUNNING).update(**fields)

    def _write_aside(self, fields: dict) -> None:
        """Write the row through a connection of its own (autocommit), so the page sees the
        progress while the work's transaction is still open."""
        if self._aside is None:
            main = connections[DEFAULT_DB_ALIAS]
            self._aside = type(main)(dict(main.settings_dict), DEFAULT_DB_ALIAS)
            self._aside.inc_thread_sharing()  # closed by the finaliser, whichever thread runs it
            weakref.finalize(self, self._aside.close)
        quote = self._aside.ops.quote_name
        table = Job._meta.db_table
        assignments = ", ".join(f"{quote(Job._meta.get_field(name).column)} = %s" for name in fields)
        # Table and column names come from the model; every value is a query parameter.
        sql = f"UPDATE {quote(table)} SET {assignments} WHERE {quote('id')} = %s AND {quote('status')} = %s"  # noqa: S608
        with self._aside.cursor() as cursor:
            cursor.execute(sql, [*fields.values(), self._job_id, Job.Status.RUNNING.value])

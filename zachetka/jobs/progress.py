"""Progress a running job reports, written to its row for the page that polls it."""

import time

from django.utils import timezone

from zachetka.jobs.models import Job

# Writing the row at most this often keeps a job of 10,000 small steps from spending its time
# on progress updates; the page polls about once a second.
_MIN_INTERVAL_S = 0.25


class Progress:
    def __init__(self, job_id: object) -> None:
        self._job_id = job_id
        self._last_write = 0.0

    def step(self, done: int, total: int, stage: str = "", *, force: bool = False) -> None:
        """`done` of `total` units finished; `stage` says what is happening in Russian
        («страница 12 из 40»)."""
        now = time.monotonic()
        if not force and done < total and now - self._last_write < _MIN_INTERVAL_S:
            return
        self._last_write = now
        Job.objects.filter(pk=self._job_id, status=Job.Status.RUNNING).update(
            done=done, total=total, stage=stage[:200], heartbeat_at=timezone.now()
        )

    def stage(self, text: str) -> None:
        """A step whose length is not known (reading, packing): the text only."""
        self._last_write = time.monotonic()
        Job.objects.filter(pk=self._job_id, status=Job.Status.RUNNING).update(
            stage=text[:200], heartbeat_at=timezone.now()
        )

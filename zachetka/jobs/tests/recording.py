"""A job's real progress (it writes the job's row) that also remembers what it was told and
what it wrote, for tests asserting the units a job advances through."""

from django.contrib.auth.models import User

from zachetka.jobs.models import Job
from zachetka.jobs.progress import Progress


class RecordingProgress(Progress):
    def __init__(self, job_id: object) -> None:
        super().__init__(job_id)
        self.told: list[tuple[int | None, int | None, str]] = []
        self.written: list[dict] = []

    def step(self, done: int, total: int, stage: str = "", *, force: bool = False) -> None:
        self.told.append((done, total, stage))
        super().step(done, total, stage, force=force)

    def stage(self, text: str) -> None:
        self.told.append((None, None, text))
        super().stage(text)

    def working(self, text: str, *, force: bool = True) -> None:
        self.told.append((None, None, text))
        super().working(text, force=force)

    def _write(self, **fields: object) -> None:
        self.written.append(dict(fields))
        super()._write(**fields)

    @property
    def stages(self) -> list[str]:
        return [stage for _, _, stage in self.told]


def running_job(owner: User, kind: str = "tests.recorded") -> Job:
    return Job.objects.create(
        owner=owner, kind=kind, title="Проверка хода", request_digest=kind, status=Job.Status.RUNNING
    )


def in_order(stages: list[str], *expected: str) -> bool:
    """Whether `expected` appear in `stages` in this order (others may come between)."""
    remaining = iter(stages)
    return all(any(stage == wanted for stage in remaining) for wanted in expected)

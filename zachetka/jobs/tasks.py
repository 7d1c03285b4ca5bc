"""The Huey tasks: the queue carries only a job's id; everything else is in its row."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from zachetka.jobs import services


@db_task(retries=3, retry_delay=2)
def run_job(job_id: str) -> None:
    services.run(job_id)


@db_periodic_task(crontab(minute="*/10"))
def clean_jobs() -> None:
    services.clean()

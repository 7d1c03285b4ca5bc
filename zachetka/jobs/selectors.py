from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet

from zachetka.jobs import services
from zachetka.jobs.models import Job


def recent_jobs(user: User) -> QuerySet[Job]:
    """The person's own jobs within the keeping period, newest first."""
    return Job.objects.filter(owner=user, created_at__gte=services.keeping_since()).order_by("-created_at")


def own_job(user: User, pk: object) -> Job:
    """A job is seen only by the person who started it (404 for anyone else)."""
    return Job.objects.get(pk=pk, owner=user, created_at__gte=services.keeping_since())


def keep_days() -> int:
    return settings.JOBS_KEEP_DAYS

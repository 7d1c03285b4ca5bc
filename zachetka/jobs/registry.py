"""The kinds of background work, registered by the apps that own them (in their AppConfig.ready).

A kind is a plain function `run(progress, user, **params) -> Output`: it reads what `user` may
see (the same selectors as the page that starts it), reports progress, and returns the file.
It writes nothing to storage itself: the runner stores the file only when the work succeeded;
work that must be written only if the job succeeds goes in the Output's `commit`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User


@dataclass(frozen=True)
class Output:
    name: str
    content_type: str
    content: bytes
    # Learners whose data the file shows (recorded in the access log when it is downloaded).
    learner_ids: Iterable[int] = field(default_factory=tuple)
    # Work that must be written together with the job's success (an export marking the
    # documents it holds): run inside the transaction that marks the job done, so a job cut off
    # meanwhile, or a failure storing the file, writes none of it.
    commit: Callable[[], None] | None = None
    # Undoes what the work left outside the database (a file it stored) when the job does not
    # end done.
    discard: Callable[[], None] | None = None
    # A job that writes (an import) may make no file (empty `content`): its page shows
    # `summary` and a link to `link_url` instead.
    summary: str = ""
    link_url: str = ""
    link_text: str = ""


Runner = Callable[..., Output]


@dataclass(frozen=True)
class Kind:
    name: str
    run: Runner
    # Checked when the job is started and again when it runs (roles may change in between).
    permission: str


_KINDS: dict[str, Kind] = {}


def register(name: str, *, permission: str) -> Callable[[Runner], Runner]:
    def decorator(run: Runner) -> Runner:
        if name in _KINDS and _KINDS[name].run is not run:
            raise ValueError(f"Job kind {name!r} is registered twice")
        _KINDS[name] = Kind(name=name, run=run, permission=permission)
        return run

    return decorator


def get(name: str) -> Kind:
    return _KINDS[name]


def known(name: str) -> bool:
    return name in _KINDS


def run(kind: Kind, progress: Any, user: User, params: dict) -> Output:
    return kind.run(progress, user, **params)

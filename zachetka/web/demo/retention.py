"""Records past their retention period (п. 6.1 Положения: the training period plus five years).
Two first-aid groups of the centre's earlier years were entered from its paper register when the
system was introduced: КК-2018-01 ended in 2018, its records fell due on 01.01.2024 and are
destroyed by an approved act (its PDF and log extract kept); КК-2019-01 ended in 2019 and has been
due since 01.01.2025 — it waits for the next act, and one of its learners is under a legal hold
set on a court's request."""

import datetime as dt
from typing import Any

from zachetka.archive import services as archive
from zachetka.people import services as people
from zachetka.people.models import Learner
from zachetka.programs import services as programs
from zachetka.programs.models import Enrollment

# code, start, end, admission order number, protocol the enrolments were completed by, learners.
GROUPS = (
    ("КК-2018-01", dt.date(2018, 10, 15), dt.date(2018, 10, 16), "131-к", "ИА-2018-014", 6),
    ("КК-2019-01", dt.date(2019, 11, 11), dt.date(2019, 11, 12), "152-к", "ИА-2019-017", 8),
)
BASIS = (
    "Истечение срока хранения электронных записей (п. 6.1 Положения об индивидуальном учёте): "
    "период обучения и 5 лет"
)
HOLD_REASON = "Запрос Октябрьского районного суда от 16.11.2026 по гражданскому делу № 2-1187/2026"


def tell(loader: Any) -> None:
    director, registrar = loader.director, loader.users["registrar"]
    enrollments = {spec[0]: _group(loader, *spec) for spec in GROUPS}
    held = enrollments["КК-2019-01"][2]
    archive.set_hold(by=registrar, enrollment=held, reason=HOLD_REASON)
    act = archive.draft_act(
        by=registrar, basis=BASIS, learner_ids=[e.learner_id for e in enrollments["КК-2018-01"]]
    )
    archive.approve_act(by=director, act=act)
    archive.execute_act(by=registrar, act=act)


def _group(
    loader: Any, code: str, starts_on: dt.date, ends_on: dt.date, order: str, protocol: str, size: int
) -> list[Enrollment]:
    director = loader.director
    group = programs.create_group(
        by=director,
        code=code,
        program=loader.programs["kk"],
        starts_on=starts_on,
        ends_on=ends_on,
        curator=loader.users["curator2"],
    )
    enrollments = []
    for index in range(size):
        sex = Learner.Sex.FEMALE if index % 2 else Learner.Sex.MALE
        learner = people.create_learner(by=director, **loader.adult_fields(sex))
        enrollment = programs.enroll(
            by=director,
            learner=learner,
            group=group,
            funding=Enrollment.Funding.EMPLOYER,
            admission_order_number=order,
            admission_order_date=starts_on,
        )
        enrollments.append(
            programs.complete_enrollment(
                by=director,
                enrollment=enrollment,
                completed_on=ends_on,
                outcome=Enrollment.Outcome.PASSED,
                reason=f"Протокол итоговой аттестации № {protocol} от {ends_on:%d.%m.%Y} (бумажный журнал)",
            )
        )
    return enrollments

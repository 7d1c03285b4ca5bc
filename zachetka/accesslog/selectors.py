"""Reads of the access log: who opened a learner's data in a period."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from zachetka.accesslog.models import AccessRecord
from zachetka.core import access
from zachetka.people.models import Learner

# What each logged URL is, in words a learner understands. The group's gradebook XLSX, summary
# PDF/XLSX and documents PDF/ZIP addresses only redirect now (their files are background jobs,
# downloaded as `jobs:file`); their labels stay for the records made before.
WHAT: dict[str, str] = {
    "web:learner_detail": "карточка слушателя",
    "web:home": "главная страница: документы к выдаче, задолженности, допуск к аттестации",
    "people:learner_edit": "изменение сведений слушателя",
    "attestation:learner_debts": "академические задолженности слушателя",
    "achievements:learner_achievements": "достижения слушателя",
    "programs:group_detail": "список группы",
    "programs:enrollment_create": "зачисление в группу",
    "programs:enrollment_edit": "изменение зачисления",
    "gradebook:grid": "журнал оценок группы",
    "gradebook:grid_print": "журнал оценок группы для печати",
    "gradebook:group_export": "журнал оценок группы (XLSX)",
    "attestation:group_debts": "задолженности группы",
    "attestation:group_admission": "допуск группы к итоговой аттестации",
    "attestation:group_protocols": "протоколы группы",
    "attestation:statement_create": "составление ведомости",
    "attestation:final_protocol_create": "составление протокола итоговой аттестации",
    "attestation:group_summary": "сводная ведомость группы",
    "attestation:group_summary_pdf": "сводная ведомость группы (PDF)",
    "attestation:group_summary_xlsx": "сводная ведомость группы (XLSX)",
    "attestation:protocol_detail": "протокол (ведомость)",
    "attestation:protocol_pdf": "протокол (ведомость), PDF",
    "attestation:commission_detail": "аттестационная комиссия и её протоколы",
    "documents:document_detail": "документ об обучении",
    "documents:document_pdf": "документ об обучении (PDF)",
    "documents:issue_from_protocol": "выдача документов по протоколу",
    "documents:study_certificate": "справка об обучении",
    "documents:group_documents": "документы группы",
    "documents:group_documents_pdf": "документы группы (PDF)",
    "documents:group_documents_zip": "документы группы (ZIP)",
    "cards:card": "индивидуальная карта",
    "cards:card_pdf": "индивидуальная карта (PDF)",
    "cards:version_pdf": "версия индивидуальной карты (PDF)",
    "achievements:achievement_detail": "достижение",
    "achievements:evidence": "подтверждающий документ достижения",
    "cabinet:cabinet": "личный кабинет",
    "gradebook:my_grades": "мои оценки",
    "accesslog:learner_report": "журнал доступа к сведениям слушателя",
    # A file made by a background job (a group's documents, a statement, an export), downloaded.
    "jobs:file": "файл, подготовленный в фоне (выгрузка, печать документов или ведомости)",
    "accesslog:learner_report_xlsx": "журнал доступа к сведениям слушателя (XLSX)",
}


@dataclass(frozen=True)
class Access:
    at: dt.datetime
    who: str  # «Фамилия Имя Отчество (роль)»
    what: str
    kind: str
    learner_count: int


def _bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as local midnights, both days included."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def accesses(learner: Learner, since: dt.date, until: dt.date) -> list[Access]:
    """Who opened pages or files showing this learner's data between `since` and `until`."""
    start, end = _bounds(since, until)
    records = AccessRecord.objects.about_learner(learner.pk).filter(at__gte=start, at__lt=end)
    return [
        Access(
            at=timezone.localtime(record.at),
            who=f"{record.actor_name} ({record.actor_roles})" if record.actor_roles else record.actor_name,
            what=WHAT.get(record.view_name, record.view_name),
            kind=record.get_kind_display(),
            learner_count=record.learner_count,
        )
        for record in records.order_by("at", "pk")
    ]


def learners_found(user: User, text: str) -> list[Learner]:
    """Learners matching a name or СНИЛС, for picking whose log to read (at most 20)."""
    if not text.strip():
        return []
    by_snils = "snils" in access.personal_fields_everywhere(user)
    found = Learner.objects.visible_to(user).search(text, by_snils=by_snils)
    return list(found.order_by("last_name", "first_name", "pk")[:20])

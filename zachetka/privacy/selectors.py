"""Reads of the privacy app, scoped by the acting user, and the extract of a learner's data a
disclosure sends (only the categories it names)."""

import datetime as dt
import io
import re
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook

from zachetka.cards.selectors import card_content
from zachetka.core import access, dates, pdf, plural, snils, xlsx
from zachetka.people.models import Learner
from zachetka.privacy.models import Category, Consent, Disclosure, Recipient, Withdrawal
from zachetka.programs.models import Enrollment


def _enrollments(learner: Learner) -> list[Enrollment]:
    return list(
        Enrollment.objects.filter(learner=learner)
        .select_related("learner", "group__program", "group__curator")
        .order_by("group__starts_on", "pk")
    )


def extract(learner: Learner, categories: list[str]) -> list[dict[str, Any]]:
    """The learner's data of the given categories, as sections of (label, value) rows: what a
    disclosure sends and an employer page shows, nothing more."""
    sections: list[dict[str, Any]] = []
    if Category.IDENTITY in categories:
        sections.append(
            {
                "title": "Личные данные",
                "rows": [
                    ("Фамилия, имя, отчество", learner.full_name),
                    ("Дата рождения", dates.format_date(learner.birth_date) if learner.birth_date else ""),
                    ("СНИЛС", snils.format_snils(learner.snils) if learner.snils else "не указан"),
                ],
            }
        )
    if Category.CONTACTS in categories:
        sections.append(
            {
                "title": "Контактные данные",
                "rows": [("Электронная почта", learner.email or "—"), ("Телефон", learner.phone or "—")],
            }
        )
    for enrollment in _enrollments(learner):
        card = card_content(enrollment)
        program = card["program"]
        title = f"{program['title']} ({program['kind']}, {program['hours']} ч)"
        rows: list[tuple[str, str]] = []
        if Category.PROGRESS in categories:
            rows += [
                ("Группа", card["group"]["code"]),
                ("Сроки обучения", f"{card['group']['starts_on']} — {card['group']['ends_on']}"),
                ("Статус", card["enrollment"]["status"]),
            ]
        if Category.GRADES in categories:
            rows += [
                (f"Модуль {m['order']}. {m['title']}", m["result"] or "нет результата")
                for m in card["modules"]
            ]
        if Category.FINAL in categories:
            final = card["final"]
            rows.append(
                (
                    "Итоговая аттестация",
                    f"{final['value']} ({final['form']}, {final['date']})" if final else "не пройдена",
                )
            )
        if Category.DOCUMENTS in categories:
            rows += [
                (d["kind"], f"рег. № {d['registration_number']} от {d['issued_on']}, {d['state']}")
                for d in card["documents"]
            ] or [("Документы", "не выдавались")]
        if rows:
            sections.append({"title": title, "rows": rows})
    return sections


def extract_pdf(sections: list[dict[str, Any]], header: dict[str, Any]) -> bytes:
    return pdf.render_pdf("privacy/extract_pdf.html", {"sections": sections, **header})


_DATE_RE = re.compile(r"\d\d\.\d\d\.\d{4}")


def _typed(label: str, value: Any) -> Any:
    """A value of the extract as a spreadsheet keeps it: a date (of birth) as a date, a module's
    grade as a number where it is one; anything else (a phone, a СНИЛС) as the text it is."""
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return dates.parse_date(value)
        except dates.DateParseError:
            return value
    if label.startswith("Модуль "):
        return xlsx.grade_value(value)
    return value


def extract_xlsx(sections: list[dict[str, Any]], header: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = xlsx.sheet_title("Сведения")
    xlsx.write(sheet, 1, 1, f"Сведения о {header['learner'].full_name} для «{header['recipient'].name}»")
    xlsx.write(sheet, 2, 1, f"Основание: {header['basis']}")
    xlsx.write(sheet, 4, 1, "Раздел")
    xlsx.write(sheet, 4, 2, "Сведения")
    xlsx.write(sheet, 4, 3, "Значение")
    row = 5
    for section in sections:
        for label, value in section["rows"]:
            xlsx.write(sheet, row, 1, section["title"])
            xlsx.write(sheet, row, 2, label)
            xlsx.write_value(sheet, row, 3, _typed(label, value))
            row += 1
    xlsx.fit_columns(sheet, first_row=4)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def consent_form_pdf(consent: Consent) -> bytes:
    """The consent as a paper to print and sign (152-ФЗ art. 9 p. 4)."""
    return pdf.render_pdf("privacy/consent_pdf.html", {"consent": consent, "learner": consent.learner})


def consents_of(user: access.Actor, learner: Learner) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(access.learner_scope(user, prefix="learner__"), learner=learner)
        .select_related("recipient", "withdrawal", "superseded_by")
        .order_by("recipient__name", "-version")
    )


def visible_consents(user: access.Actor) -> QuerySet[Consent]:
    return Consent.objects.filter(access.learner_scope(user, prefix="learner__")).select_related(
        "learner", "recipient", "withdrawal", "superseded_by"
    )


def disclosures_about(user: access.Actor, learner: Learner) -> QuerySet[Disclosure]:
    """Who received what about a learner: for staff who see the learner, and the learner."""
    return (
        Disclosure.objects.filter(access.learner_scope(user, prefix="learner__"), learner=learner)
        .select_related("recipient", "consent", "given_by")
        .order_by("-given_at", "-pk")
    )


def withdrawal_tasks(on: dt.date | None = None) -> list[dict[str, Any]]:
    """Open 30-day tasks of withdrawn consents (art. 21 p. 5), soonest first, with how many
    days are left (negative: overdue)."""
    on = on or timezone.localdate()
    tasks = []
    for withdrawal in Withdrawal.objects.filter(closed_at__isnull=True).select_related(
        "consent__learner", "consent__recipient"
    ):
        left = (withdrawal.due_on - on).days
        if left < 0:
            state = f"просрочено на {plural.count_with(-left, 'день', 'дня', 'дней')}"
        elif left == 0:
            state = "срок сегодня"
        else:
            verb = plural.plural_form(left, "остался", "осталось", "осталось")
            state = f"{verb} {plural.count_with(left, 'день', 'дня', 'дней')}"
        tasks.append({"withdrawal": withdrawal, "days_left": left, "overdue": left < 0, "state": state})
    return sorted(tasks, key=lambda task: task["days_left"])


def recipients() -> QuerySet[Recipient]:
    return Recipient.objects.order_by("name")


def recipient_of(user: access.Actor) -> Recipient | None:
    """The organisation a representative's account belongs to."""
    if not user.is_authenticated:
        return None
    return Recipient.objects.filter(accounts__user=user).first()


def employer_learners(user: access.Actor) -> QuerySet[Learner]:
    return Learner.objects.filter(access.employer_learner_scope(user)).order_by(
        "last_name", "first_name", "middle_name"
    )

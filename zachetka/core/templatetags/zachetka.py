"""Display filters shared by all templates: СНИЛС, dates, plurals, audit action labels."""

import datetime as dt
import functools
from collections import Counter, defaultdict

from django import template
from django.apps import apps
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from zachetka.core import access, audit, audit_refs, grammar, names, plural, snils, typography

register = template.Library()


@register.filter
def snils_display(value: str) -> str:
    return snils.format_snils(value)


@register.simple_tag(takes_context=True)
def personal_fields(context: template.Context, learner: object) -> frozenset[str]:
    """{% personal_fields learner as shown %}{% if "snils" in shown %}…: the learner's personal
    fields the viewing user sees (access.visible_personal_fields); a page prints no other."""
    return access.visible_personal_fields(context["request"].user, learner)


@register.simple_tag(takes_context=True)
def personal_fields_everywhere(context: template.Context) -> frozenset[str]:
    """{% personal_fields_everywhere as shown %}: the fields the viewer sees of every learner in
    their scope, for a list's columns."""
    return access.personal_fields_everywhere(context["request"].user)


@register.filter
def ru_date(value: dt.date | dt.datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d.%m.%Y")


@register.filter
def ru_datetime(value: dt.datetime | None) -> str:
    if not value:
        return ""
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


@register.filter
def ru_plural(number: int, forms: str) -> str:
    """{{ n|ru_plural:"слушатель,слушателя,слушателей" }} → «5 слушателей»."""
    one, few, many = forms.split(",")
    return plural.count_with(int(number), one, few, many)


@register.filter
def action_label(action: str) -> str:
    return audit.ACTION_LABELS.get(action, action)


@register.filter
def dict_get(mapping: dict | None, key: str) -> object:
    return (mapping or {}).get(key)


@register.filter
def ru_plural_word(number: int, forms: str) -> str:
    """{{ n|ru_plural_word:"группа,группы,групп" }} → «групп» (the word alone)."""
    one, few, many = forms.split(",")
    return plural.plural_form(int(number), one, few, many)


@register.filter
def ru_minutes(value: dt.timedelta | None) -> str:
    """A lockout period as «15 минут»."""
    minutes = max(1, round(value.total_seconds() / 60)) if value else 1
    return plural.count_with(minutes, "минуту", "минуты", "минут")


@register.filter
def staff_name(user: object) -> str:
    """A staff member as «Фамилия Имя Отчество» (first_name holds name and patronymic)."""
    return names.user_full_name(user)


@register.filter
def by_sex(sex: str, forms: str) -> str:
    """{{ learner.sex|by_sex:"допущен,допущена" }}: the word that agrees with a person's sex."""
    masculine, feminine = forms.split(",")
    return grammar.by_sex(sex, masculine, feminine)


@register.filter
def initials(user: object) -> str:
    """A staff member as «И. О. Фамилия», the way a name is typed under a signature line."""
    return names.user_initials_and_surname(user)


@register.filter(is_safe=True)
def typo(value: object) -> SafeString:
    """Non-breaking spaces of Russian typography (core.typography) in text or rendered HTML:
    `{% filter typo %}…{% endfilter %}` around a printed document's body."""
    return mark_safe(typography.typeset(str(conditional_escape(value))))  # noqa: S308 - escaped above


_field = audit_refs.subject_field


@register.simple_tag
def audit_value(subject_type: str, name: str, value: object, refs: audit_refs.Refs | None = None) -> str:
    """A stored value as people read it: choices by their label, ISO dates as ДД.ММ.ГГГГ,
    lists and mappings (a commission's seats, a scale's values) item by item; with `refs`
    (core.audit_refs), the id of a related row as «its name (№ id)»."""
    if value in (None, ""):
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(audit_value(subject_type, name, item, refs) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(
            f"{_resolved_label(_extra_label(key), subject_type, key, refs)}: "
            f"{audit_value(subject_type, key, item, refs)}"
            for key, item in value.items()
        )
    if refs is not None:
        target = audit_refs.relation_target(subject_type, name)
        found = audit_refs.named(refs, target, value) if target else None
        if found is not None:
            return found
    field = _field(subject_type, name)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            return value
    return str(value)


# Names of the values services record besides a row's fields (`extra` and nested keys).
EXTRA_LABELS = {
    "username": "пользователь",
    "acts_as": "действует от имени",
    "source": "файл",
    "created": "добавлено",
    "updated": "обновлено",
    "unchanged": "без изменений",
    "value": "значение",
    "cells": "ячеек",
    "sha256": "SHA-256",
    "signatures_withdrawn": "сняты подписи",
    "chair": "председатель",
    "secretary": "секретарь",
    "members": "члены",
    "order": "приказ",
    "order_date": "дата приказа",
    "module": "модуль (id)",
    "teacher": "преподаватель (id)",
    "teacher_name": "преподаватель",
    "assessment": "мероприятие (id)",
    "learner": "слушатель (id)",
    "learners": "слушателей",
    "attempt": "попытка",
    "kind": "вид",
    "form": "форма",
    "replaces": "взамен протокола",
    "seat": "подпись",
    "status": "статус",
    "title": "название",
    "curators": "кураторы (id)",
    "values": "значения",
    "work_topic": "тема работы",
    "qualification_grade": "разряд, класс, категория",
    "present": "присутствовали (id)",
    "template": "шаблон",
    "version": "версия",
    "year": "год",
    "rows": "строк",
    # A staff account (staff.services) and a scale's values (gradebook.services.update_scale).
    "name": "ФИО",
    "post": "должность",
    "roles": "роли",
    "code": "значение",
    "label": "наименование",
    "aliases": "другие написания",
    "points": "баллы",
    "passing": "положительная",
    "from": "от",
    "to": "до",
}


def _extra_label(key: object) -> str:
    return EXTRA_LABELS.get(str(key), str(key))


def _given_verbose_name(field: object) -> str | None:
    """A field's verbose name if its model gave one (Django's default is the English name); a
    relation's says «(id)»: the trail records the ids of related rows (audit.snapshot)."""
    verbose_name = getattr(field, "verbose_name", None)
    name = getattr(field, "name", "")
    if not verbose_name or str(verbose_name) == name.replace("_", " "):
        return None
    return f"{verbose_name} (id)" if getattr(field, "is_relation", False) else str(verbose_name)


@functools.cache
def field_labels() -> dict[str, str]:
    """Each field name of the project's models → its verbose name, built from the models' _meta:
    for a value recorded without a subject (a grade's `assessment`) or under another model's
    event. Where models name a field differently the most common name wins."""
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for model in apps.get_models():
        if not model.__module__.startswith("zachetka."):
            continue
        for field in model._meta.get_fields():
            verbose_name = _given_verbose_name(field)
            if verbose_name:
                found[field.name][verbose_name] += 1
    return {name: counts.most_common(1)[0][0] for name, counts in found.items()}


# What the numeric keys of an event's data are, by its subject (a protocol's results by learner).
NUMERIC_KEYS = {"attestation.protocol": "слушатель (id)"}


def _resolved_label(label: str, subject_type: str, key: str, refs: audit_refs.Refs | None) -> str:
    """A label without its «(id)» where the value is shown by name."""
    target = audit_refs.relation_target(subject_type, key) if refs is not None else None
    return label.removesuffix(" (id)") if target in audit_refs.NAMERS else label


def _row_label(subject_type: str, key: str, refs: audit_refs.Refs | None = None) -> str:
    """The subject's field name («фамилия»), else that field's name in the project's models,
    else the name of a recorded value (a reverse relation such as a commission's `members` has
    no verbose name of its own)."""
    if str(key).isdigit():
        target = audit_refs.NUMERIC_KEYS.get(subject_type)
        if refs is not None and target:
            return f"{NUMERIC_KEYS[subject_type].removesuffix(' (id)')} {audit_refs.named(refs, target, key)}"
        return f"{NUMERIC_KEYS.get(subject_type, '№')} {key}"
    label = _given_verbose_name(_field(subject_type, key)) or field_labels().get(key) or _extra_label(key)
    return _resolved_label(label, subject_type, key, refs)


@register.simple_tag
def audit_rows(event: object, refs: audit_refs.Refs | None = None) -> list[dict[str, str | None]]:
    """An event's data as lines «name: before → after»; any shape of `data` renders. With
    `refs` (core.audit_refs.resolve), ids of related rows read as their names."""
    data = event.data if isinstance(event.data, dict) else {"data": event.data}
    before = data.get("before") if isinstance(data.get("before"), dict) else {}
    after = data.get("after") if isinstance(data.get("after"), dict) else {}
    subject_type = event.subject_type
    rows = []
    for key in [*after, *(key for key in before if key not in after)]:
        rows.append(
            {
                "label": _row_label(subject_type, key, refs),
                "before": audit_value(subject_type, key, before[key], refs) if key in before else None,
                "after": audit_value(subject_type, key, after[key], refs) if key in after else None,
            }
        )
    for key, value in data.items():
        if key in ("before", "after") and isinstance(value, dict):
            continue
        rows.append(
            {
                "label": _resolved_label(_extra_label(key), "", key, refs),
                "before": None,
                "after": audit_value("", key, value, refs),
            }
        )
    return rows

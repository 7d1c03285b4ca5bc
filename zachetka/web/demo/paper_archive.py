"""The paper archive of 2025: the registrar keeps a nomenclature of cases and files the signed
2025 protocols and statements in them, sheet by sheet, so each protocol's page says where its
original lies; the cases are closed at the end of the year.

Articles are given only where the project's sources name them (Перечень № 236, ст. 472, 473,
476; docs/sources.md § 3.2). For protocols, statements and registry books no article was found
(§ 3.4): the demo archivist keeps those cases permanently until the full Перечень is checked —
keeping longer is allowed, destroying early is not. Two old cases show the due list."""

import datetime as dt
from typing import Any

from zachetka.attestation.models import Protocol
from zachetka.paper import services as paper
from zachetka.paper.models import Case, PaperOriginal

SHELF = "Архив, каб. 104, стеллаж 2, полка {}"
END_OF_2025 = dt.date(2025, 12, 31)
# index, year, title, article, years (None: permanently), shelf, closed on.
CASES = (
    ("05-01", 2025, "Дополнительные профессиональные программы ПК и ПП", "472", 5, 1, END_OF_2025),
    ("05-03", 2025, "Протоколы итоговой аттестации слушателей", "", None, 3, None),
    ("05-04", 2025, "Ведомости промежуточной аттестации слушателей", "", None, 3, None),
    (
        "05-05",
        2025,
        "Книга регистрации выданных документов об образовании и о квалификации",
        "",
        None,
        4,
        None,
    ),
    ("05-02", 2020, "Учебные планы и задания", "473", 5, 1, dt.date(2020, 12, 31)),
    ("05-06", 2024, "Контрольные работы слушателей", "476", 1, 1, dt.date(2024, 12, 30)),
)
RESULTS_PER_SHEET = 12


def tell(loader: Any) -> None:
    registrar = loader.users["registrar"]
    cases = {}
    for index, year, title, article, years, shelf, closed_on in CASES:
        cases[index] = paper.create_case(
            by=registrar,
            index=index,
            year=year,
            title=title,
            article=article,
            retention_years=years,
            is_permanent=years is None,
            needs_expert_review=False,
            storage_place=SHELF.format(shelf),
            closed_on=closed_on,
        )
    signed = (
        Protocol.objects.filter(held_on__year=2025)
        .exclude(status=Protocol.Status.DRAFT)
        .order_by("held_on", "number")
    )
    next_sheet = {"05-03": 1, "05-04": 1}
    for protocol in signed:
        index = "05-03" if protocol.kind == Protocol.Kind.FINAL else "05-04"
        sheets = 1 + protocol.results.count() // RESULTS_PER_SHEET
        paper.register_original(
            by=registrar,
            case=cases[index],
            kind=PaperOriginal.Kind.PROTOCOL,
            title=f"{protocol.get_kind_display().capitalize()} № {protocol.number}",
            dated_on=protocol.held_on,
            sheet_from=next_sheet[index],
            sheet_to=next_sheet[index] + sheets - 1,
            protocol=protocol,
        )
        next_sheet[index] += sheets
    paper.register_original(
        by=registrar,
        case=cases["05-05"],
        kind=PaperOriginal.Kind.REGISTRY_BOOK,
        title="Книга регистрации выданных документов, 2025 год",
        dated_on=END_OF_2025,
        sheet_from=1,
        sheet_to=48,
    )
    for index in ("05-03", "05-04", "05-05"):
        case = Case.objects.get(pk=cases[index].pk)
        fields = {name: getattr(case, name) for name in paper.CASE_FIELDS}
        paper.update_case(by=registrar, case=case, **fields | {"closed_on": END_OF_2025})

"""Non-breaking spaces of Russian typography in printed text (core.typography)."""

import pytest
from django.template import Context, Template

from zachetka.core.typography import NBSP, WORD_JOINER, typeset


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("приказ № 101-к", f"приказ №{NBSP}101-к"),
        ("2026 г.", f"2026{NBSP}г."),
        ("г. Москва, ул. Учебная, д. 1", f"г.{NBSP}Москва, ул.{NBSP}Учебная, д.{NBSP}1"),
        ("ч. 5 ст. 61", f"ч.{NBSP}5 ст.{NBSP}61"),
        ("Директор О. В. Кузнецова", f"Директор О.{NBSP}В.{NBSP}Кузнецова"),
        ("Петров П. П., Сидоров С.", f"Петров{NBSP}П.{NBSP}П., Сидоров{NBSP}С."),
        ("с 01.09.2026 по 20.12.2026", f"с{NBSP}01.09.2026{NBSP}по{NBSP}20.12.2026"),
        ("01.09.2026–20.12.2026", f"01.09.2026–{WORD_JOINER}20.12.2026"),
        ("01.09.2026 — 20.12.2026", f"01.09.2026{NBSP}—{WORD_JOINER}{NBSP}20.12.2026"),
        ("в объёме 72 часов", f"в{NBSP}объёме 72{NBSP}часов"),
        ("удостоверение о ПК", f"удостоверение о{NBSP}ПК"),
        ("3 мая", "3 мая"),
        ("в УОЦ. Директор", f"в{NBSP}УОЦ. Директор"),
    ],
)
def test_typeset(text, expected):
    assert typeset(text) == expected


def test_filter_escapes_text_and_keeps_rendered_html():
    template = Template("{% load zachetka %}{{ value|typo }} {% filter typo %}<b>№ 5</b>{% endfilter %}")
    rendered = template.render(Context({"value": "<i>№ 1</i>"}))
    assert rendered == f"&lt;i&gt;№{NBSP}1&lt;/i&gt; <b>№{NBSP}5</b>"

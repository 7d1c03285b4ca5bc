"""Evidence files are stored under a generated name with the extension of what they are,
refused when they hide markup behind a PDF or image header, and served as downloads typed by
their content."""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zachetka.achievements import services
from zachetka.achievements.models import Achievement

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def _record(world, curator, name: str, content: bytes) -> Achievement:  # noqa: ANN001
    return services.record(
        by=curator,
        learner=world["own"],
        title="Доклад",
        kind="publication",
        achieved_on=dt.date(2026, 10, 1),
        evidence=SimpleUploadedFile(name, content),
    )


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [("../../доклад.html", PDF, ".pdf"), ("грамота.php", PNG, ".png"), ("фото.png", JPEG, ".jpg")],
    ids=["pdf-named-html", "png-named-php", "jpeg-named-png"],
)
def test_stored_name_is_generated_with_the_extension_of_the_content(world, curator, name, content, extension):
    achievement = _record(world, curator, name, content)
    assert re.fullmatch(rf"achievements/\d{{4}}/[0-9a-f]{{32}}\{extension}", achievement.evidence.name)
    assert achievement.evidence_name == name.rsplit("/", 1)[-1]
    with achievement.evidence.open("rb") as stored:
        assert stored.read() == content


POLYGLOTS = [
    ("pdf-html", PDF + b"<html><body>x</body></html>"),
    ("pdf-doctype", PDF[:20] + b"<!DOCTYPE HTML>" + PDF[20:]),
    ("pdf-script", PDF + b"\n<ScRiPt>alert(document.cookie)</script>"),
    ("png-svg", PNG + b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("jpeg-php", JPEG + b"<?php system($_GET['c']); ?>"),
    ("jpeg-iframe", JPEG + b"<IFRAME src=//evil>"),
]


@pytest.mark.parametrize(("case", "content"), POLYGLOTS, ids=[case for case, _ in POLYGLOTS])
def test_a_pdf_or_image_carrying_markup_is_refused(world, learner_user, client, case, content):
    client.force_login(learner_user)
    response = client.post(
        reverse("cabinet:propose_achievement"),
        {
            "title": "Сертификат",
            "kind": "certificate",
            "achieved_on": "01.10.2026",
            "evidence": SimpleUploadedFile("скан.pdf", content),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "содержит HTML, SVG или PHP" in page and "скан.pdf" in page
    assert not Achievement.objects.exists()


def test_binary_that_merely_looks_like_a_tag_start_is_accepted(world, curator):
    # «<svg» followed by a byte that cannot continue a tag name is image data, not markup.
    achievement = _record(world, curator, "скан.png", PNG + b"<svg1\x00\xff<scrip\x00<htm")
    assert achievement.evidence.name.endswith(".png")


def test_download_is_typed_by_content_and_never_rendered(world, curator, client):
    achievement = _record(world, curator, "фото.png", JPEG)
    client.force_login(curator)
    response = client.get(reverse("achievements:evidence", args=[achievement.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%D1%84%D0%BE%D1%82%D0%BE.jpg" in response["Content-Disposition"]  # «фото.jpg»
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == JPEG


def test_a_file_stored_before_under_its_uploaded_name_is_typed_by_content(world, curator, client):
    achievement = Achievement(
        learner=world["own"],
        title="Старое",
        kind="other",
        achieved_on=dt.date(2026, 9, 1),
        created_by=curator,
    )
    achievement.evidence.save("7-отчёт.html", ContentFile(PDF), save=False)
    achievement.evidence_name = "отчёт.html"
    achievement.save()
    client.force_login(curator)
    response = client.get(reverse("achievements:evidence", args=[achievement.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith(".pdf")

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zachetka.achievements import services
from zachetka.achievements.models import Achievement
from zachetka.cards import selectors as cards

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _fields(**extra):
    return {
        "title": "Доклад на конференции",
        "kind": "publication",
        "achieved_on": dt.date(2026, 10, 1),
    } | extra


def test_staff_record_is_confirmed_and_goes_on_the_card(world, curator):
    own = world["enrollments"]["own"]
    achievement = services.record(
        by=curator,
        learner=world["own"],
        enrollment=own,
        evidence=SimpleUploadedFile("доклад.pdf", PDF, content_type="application/pdf"),
        **_fields(),
    )
    assert achievement.status == Achievement.Status.CONFIRMED and achievement.evidence_name == "доклад.pdf"
    assert [a["title"] for a in cards.card_content(own)["achievements"]] == ["Доклад на конференции"]


def test_learner_proposal_waits_for_a_curator(world, learner_user, curator, client):
    own = world["enrollments"]["own"]
    proposal = services.propose(by=learner_user, **_fields(title="Победа в хакатоне", kind="competition"))
    assert proposal.status == Achievement.Status.PROPOSED and proposal.learner == world["own"]
    assert cards.card_content(own)["achievements"] == []
    client.force_login(curator)
    assert "Победа в хакатоне" in client.get(reverse("achievements:pending")).content.decode()
    client.post(
        reverse("achievements:achievement_confirm", args=[proposal.pk]), {"version": proposal.version}
    )
    proposal.refresh_from_db()
    assert proposal.status == Achievement.Status.CONFIRMED and proposal.decided_by == curator
    assert [a["title"] for a in cards.card_content(own)["achievements"]] == ["Победа в хакатоне"]


def test_rejection_needs_a_reason_and_is_final(world, learner_user, curator):
    proposal = services.propose(by=learner_user, **_fields())
    with pytest.raises(ValidationError, match="причину"):
        services.reject(by=curator, achievement=proposal, reason=" ")
    services.reject(by=curator, achievement=proposal, reason="Нет подтверждения участия")
    with pytest.raises(ValidationError, match="Решение уже принято"):
        services.confirm(by=curator, achievement=proposal)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("сертификат.pdf", b"MZ\x90\x00 this is a program", "не PDF и не изображение"),
        ("фото.jpg", b"<html>not an image</html>", "не PDF и не изображение"),
        ("скан.pdf", PDF + b"0" * (5 * 1024 * 1024), "больше 5 МБ"),
    ],
)
def test_bad_evidence_is_refused_with_a_clear_message(world, learner_user, client, name, content, message):
    client.force_login(learner_user)
    response = client.post(
        reverse("cabinet:propose_achievement"),
        {
            "title": "Сертификат",
            "kind": "certificate",
            "achieved_on": "01.10.2026",
            "evidence": SimpleUploadedFile(name, content),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and message in page and name in page
    assert not Achievement.objects.exists()


def test_a_real_image_is_accepted_from_the_cabinet(world, learner_user, client):
    client.force_login(learner_user)
    response = client.post(
        reverse("cabinet:propose_achievement"),
        {
            "title": "Грамота",
            "kind": "other",
            "achieved_on": "01.10.2026",
            "evidence": SimpleUploadedFile("грамота.png", PNG),
        },
    )
    assert response.status_code == 302
    achievement = Achievement.objects.get()
    assert achievement.status == Achievement.Status.PROPOSED and achievement.evidence_name == "грамота.png"
    download = client.get(reverse("achievements:evidence", args=[achievement.pk]))
    assert b"".join(download.streaming_content) == PNG


def test_only_the_learner_proposes_and_only_staff_in_scope_decide(world, teacher, learner_user, director):
    with pytest.raises(PermissionDenied):
        services.propose(by=teacher, **_fields())
    stranger_proposal = Achievement.objects.create(
        learner=world["stranger"],
        title="Чужое",
        kind="other",
        achieved_on=dt.date(2026, 9, 1),
        created_by=director,
    )
    with pytest.raises(PermissionDenied):
        services.confirm(by=teacher, achievement=stranger_proposal)
    with pytest.raises(ValidationError, match="в будущем"):
        services.propose(by=learner_user, **_fields(achieved_on=dt.date(2099, 1, 1)))

"""The current card's PDF is laid out once while the card stays the same (a learner opens it
again and again), again as soon as anything it prints changes, and forgotten with the learner's
other files by a destruction act."""

import time_machine
from django.core.cache import cache
from django.urls import reverse

from zachetka.cards import services
from zachetka.people.models import Learner


def _open(client, enrollment, at: str) -> bytes:  # noqa: ANN001 - the test client
    with time_machine.travel(at, tick=False):
        response = client.get(reverse("cards:card_pdf", args=[enrollment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_same_card_is_not_laid_out_again_a_changed_one_is(client, world, learner_user, pdf_text):
    own = world["enrollments"]["own"]
    client.force_login(learner_user)
    first = _open(client, own, "2026-11-29 10:00 +03:00")
    assert "Сформирована 29.11.2026 10:00 по текущим данным" in pdf_text(first)
    # Twenty minutes later, nothing changed: the same file, made at 10:00 from data still current.
    assert _open(client, own, "2026-11-29 10:20 +03:00") == first
    # The card changes (its learner's citizenship): laid out again, with the time it was made.
    Learner.objects.filter(pk=own.learner_id).update(citizenship="112")
    changed = _open(client, own, "2026-11-29 10:40 +03:00")
    assert changed != first
    text = pdf_text(changed)
    assert "Сформирована 29.11.2026 10:40 по текущим данным" in text and "112" in text


def test_staff_who_see_the_whole_card_and_the_learner_do_not_share_a_partial_one(
    client, world, teacher, learner_user, pdf_text
):
    """A teacher sees a card without the learner's personal fields: their PDF is kept apart from
    the learner's whole one, and neither is given to the other."""
    own = world["enrollments"]["own"]
    client.force_login(learner_user)
    whole = pdf_text(_open(client, own, "2026-11-29 10:00 +03:00"))
    client.force_login(teacher)
    partial = pdf_text(_open(client, own, "2026-11-29 10:05 +03:00"))
    birth = Learner.objects.get(pk=own.learner_id).birth_date.strftime("%d.%m.%Y")
    assert birth in whole and "не показаны" not in whole
    assert birth not in partial and "не показаны" in partial
    client.force_login(learner_user)
    assert pdf_text(_open(client, own, "2026-11-29 10:10 +03:00")) == whole


def test_a_destruction_act_forgets_the_kept_pdfs(client, world, learner_user):
    own = world["enrollments"]["own"]
    client.force_login(learner_user)
    url = reverse("cards:card_pdf", args=[own.pk])
    with time_machine.travel("2026-11-29 10:00 +03:00", tick=False) as traveller:
        first = client.get(url).content
        assert any(cache.get(key) for key in services._current_pdf_keys(own.pk))
        services.forget_pdfs(learner_id=own.learner_id)
        assert not any(cache.get(key) for key in services._current_pdf_keys(own.pk))
        traveller.shift(60)
        assert client.get(url).content != first  # laid out anew, a minute later

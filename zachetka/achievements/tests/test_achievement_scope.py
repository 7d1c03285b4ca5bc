"""A curator records and confirms achievements only on studies in groups they run: a learner of
their group who also studies in another curator's group keeps that study out of their reach."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zachetka.achievements import services
from zachetka.achievements.models import Achievement


@pytest.fixture
def foreign(world, make_enrollment):
    """Смирнова (the curator's learner, group `mine`) also studies in the other curator's group."""
    return make_enrollment(world["own"], world["other"])


def _form(enrollment) -> dict:
    return {
        "title": "Доклад",
        "kind": "publication",
        "achieved_on": "01.10.2026",
        "enrollment": enrollment.pk,
    }


def test_the_form_offers_only_studies_in_the_curators_groups(client, curator, world, foreign):
    client.force_login(curator)
    page = client.get(reverse("achievements:learner_achievements", args=[world["own"].pk])).content.decode()
    assert f'value="{world["enrollments"]["own"].pk}"' in page
    assert f'value="{foreign.pk}"' not in page and world["other"].code not in page


def test_a_foreign_study_posted_anyway_is_refused(client, curator, world, foreign):
    client.force_login(curator)
    url = reverse("achievements:learner_achievements", args=[world["own"].pk])
    response = client.post(url, _form(foreign))
    assert response.status_code == 200 and "Выберите корректный вариант" in response.content.decode()
    assert not Achievement.objects.exists()
    assert client.post(url, _form(world["enrollments"]["own"])).status_code == 302
    with pytest.raises(ValidationError, match="не ведёте"):
        services.record(
            by=curator,
            learner=world["own"],
            enrollment=foreign,
            title="Доклад",
            kind="publication",
            achieved_on=dt.date(2026, 10, 1),
        )


def test_a_proposal_on_a_foreign_study_is_decided_by_that_groups_curator(
    client, curator, learner_user, world, foreign
):
    proposal = services.propose(
        by=learner_user,
        enrollment=foreign,
        title="Хакатон",
        kind="competition",
        achieved_on=dt.date(2026, 10, 1),
    )
    client.force_login(curator)
    assert "Хакатон" not in client.get(reverse("achievements:pending")).content.decode()
    with pytest.raises(PermissionDenied):
        services.confirm(by=curator, achievement=proposal)
    services.confirm(by=world["other_curator"], achievement=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Achievement.Status.CONFIRMED

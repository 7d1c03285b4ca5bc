"""A СНИЛС already on record is refused on the «СНИЛС» field even when the other learner is
saved after the service's own check (two registrars, or two API calls, at the same moment): the
model's conditional unique constraint then refuses it, and must name the field too."""

import pytest
from django.core.exceptions import ValidationError

from zachetka.people import services
from zachetka.people.models import Learner

pytestmark = pytest.mark.django_db


def test_the_model_names_the_snils_field(make_learner):
    taken = make_learner()
    twin = Learner(
        last_name="Петрова", first_name="Ольга", sex="F", birth_date=taken.birth_date, snils=taken.snils
    )
    with pytest.raises(ValidationError) as refused:
        twin.full_clean(exclude=["user"])
    assert refused.value.message_dict == {"snils": ["Этот СНИЛС уже указан у другого слушателя."]}


def test_a_clash_appearing_after_the_services_check_names_the_field(make_learner, registrar, monkeypatch):
    taken = make_learner()
    # The service's check ran before the other learner was saved: it found nothing.
    monkeypatch.setattr(services, "_check_snils_free", lambda learner: None)
    with pytest.raises(ValidationError) as refused:
        services.create_learner(
            by=registrar,
            last_name="Петрова",
            first_name="Ольга",
            sex="F",
            birth_date=taken.birth_date,
            snils=taken.snils,
        )
    assert list(refused.value.message_dict) == ["snils"]
    assert Learner.objects.filter(snils=taken.snils).count() == 1


def test_learners_without_snils_do_not_clash(make_learner):
    make_learner(snils="")
    second = make_learner(snils="")
    second.full_clean(exclude=["user"])

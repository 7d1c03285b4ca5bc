"""What the learner's page and cabinet show about consents and disclosures, read through the
scoped selectors (the tag adds no rule: a user who cannot see the learner gets nothing)."""

from typing import Any

from django import template

from zachetka.core import access
from zachetka.people.models import Learner
from zachetka.privacy import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def learner_privacy(context: template.Context, learner: Learner) -> dict[str, Any]:
    user = context["request"].user
    if not access.may(user, "privacy.view_consent"):
        return {"visible": False}
    return {
        "visible": True,
        "consents": selectors.consents_of(user, learner).filter(superseded_by__isnull=True),
        "disclosures": selectors.disclosures_about(user, learner),
    }


@register.simple_tag(takes_context=True)
def own_disclosures(context: template.Context, learner: Learner) -> Any:
    return selectors.disclosures_about(context["request"].user, learner)

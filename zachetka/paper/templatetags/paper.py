"""`{% paper_original_of protocol as original %}` for the include `paper/_original_of.html`.

The protocol's page belongs to `attestation`, which sits below this app and may not import it;
the include asks the paper archive's selector itself, so the page needs one line and no view
change. The tag holds no rule: the selector decides who sees an original's place."""

from django import template

from zachetka.paper import selectors
from zachetka.paper.models import PaperOriginal

register = template.Library()


@register.simple_tag(takes_context=True)
def paper_original_of(context: template.Context, protocol: object) -> PaperOriginal | None:
    request = context.get("request")
    if request is None or protocol is None:
        return None
    return selectors.original_of_protocol(request.user, protocol.pk)

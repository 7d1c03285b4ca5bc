from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zachetka.core import audit, collation, sealing, selectors


def audit_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    action = request.GET.get("action", "")
    events = selectors.audit_events(request.user, query=query, action=action)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    page.object_list = sealing.opened(page.object_list)
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "query": query,
            "action": action,
            "actions": sorted(audit.ACTION_LABELS.items(), key=lambda item: collation.ru_key(item[1])),
            "labels": audit.ACTION_LABELS,
        },
    )

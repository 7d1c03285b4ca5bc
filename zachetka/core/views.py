from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from zachetka.accesslog import capture as accesslog
from zachetka.core import access, audit, audit_export, collation, selectors
from zachetka.core.forms import AuditFilterForm
from zachetka.core.models import AuditEvent
from zachetka.people.models import Learner

PAGE_SIZE = 100


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent] | None]:
    """The filter form and the events it selects (None while the form has errors)."""
    access.require(request.user, "core.view_auditevent")
    form = AuditFilterForm(
        request.GET or None,
        actions=sorted(audit.ACTION_LABELS.items(), key=lambda item: collation.ru_key(item[1])),
        staff=selectors.audit_staff(),
        subject_types=selectors.audit_subject_types(),
    )
    if not form.is_bound:
        return form, selectors.audit_events(request.user)
    if not form.is_valid():
        return form, None
    chosen = form.cleaned_data
    learners = None
    if chosen["learner"]:
        text = chosen["learner"]
        learners = (
            [int(text)] if text.isdigit() else Learner.objects.search(text, by_snils=False).values("pk")
        )
    events = selectors.audit_events(
        request.user,
        query=chosen["q"].strip(),
        action=chosen["action"],
        since=chosen["since"],
        until=chosen["until"],
        actor=chosen["actor"],
        subject_type=chosen["subject_type"],
        subject_id=chosen["subject_id"],
        learners=learners,
    )
    return form, events


def audit_list(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = None
    if events is not None:
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = selectors.audit_lines(page.object_list)
        accesslog.mark(request, (pk for line in page.object_list for pk in line.learner_ids))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {
            "form": form,
            "page": page,
            "querystring": query.urlencode(),
            "time_zone_name": timezone.get_current_timezone_name(),
        },
    )


def audit_list_xlsx(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    if events is None:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect(f"{reverse('core:audit_list')}?{request.GET.urlencode()}")
    accesslog.mark(request, events.exclude(learner_id=None).values_list("learner_id", flat=True).distinct())
    content = audit_export.workbook(events, _subtitle(form), shown=lambda ids: accesslog.mark(request, ids))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('Журнал аудита.xlsx')}"
    return response


def _subtitle(form: AuditFilterForm) -> str:
    """The filters in words, printed above the exported table."""
    if not form.is_bound:
        return "все события"
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if name == "action":
            value = audit.ACTION_LABELS.get(value, value)
        elif name == "subject_type":
            value = selectors.subject_type_name(value)
        elif name == "actor":
            value = field.label_from_instance(value)
        elif name in ("since", "until"):
            value = value.strftime("%d.%m.%Y")
        parts.append(f"{field.label}: {value}")
    return "; ".join(parts) or "все события"

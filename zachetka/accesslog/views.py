"""Pages of the access log: who opened a learner's data in a period (the registry and the
administration), and a learner's own extract from the cabinet."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zachetka.accesslog import capture, export, selectors, services
from zachetka.accesslog.forms import PeriodForm
from zachetka.core import access, plural
from zachetka.people.models import Learner

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERMISSION = "accesslog.view_accessrecord"


def _period(request: HttpRequest) -> PeriodForm:
    form = PeriodForm(request.GET)
    if form.is_valid():
        # Show the period actually read, the defaults filled in.
        data = {**request.GET.dict(), **{k: f"{form.cleaned_data[k]:%d.%m.%Y}" for k in ("since", "until")}}
        form = PeriodForm(data)
        form.is_valid()
    return form


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def index(request: HttpRequest) -> HttpResponse:
    """Find the learner whose log to read."""
    access.require(request.user, PERMISSION)
    form = _period(request)
    found = selectors.learners_found(request.user, form.cleaned_data.get("q", ""))
    capture.mark(request, (learner.pk for learner in found))
    return render(request, "accesslog/index.html", {"form": form, "found": found})


def _report(request: HttpRequest, pk: int) -> tuple[Learner, PeriodForm, list[selectors.Access] | None]:
    access.require(request.user, PERMISSION)
    learner = get_object_or_404(Learner.objects.visible_to(request.user), pk=pk)
    form = _period(request)
    rows = None
    if form.is_valid():
        rows = selectors.accesses(learner, form.cleaned_data["since"], form.cleaned_data["until"])
    # The answer names the learner: reading it is itself an access to their data.
    capture.mark(request, [learner.pk])
    return learner, form, rows


def learner_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Who opened pages or files with this learner's data in the period, oldest first."""
    learner, form, rows = _report(request, pk)
    count = None if rows is None else plural.count_with(len(rows), "обращение", "обращения", "обращений")
    return render(
        request,
        "accesslog/learner_report.html",
        {"learner": learner, "form": form, "rows": rows, "count": count, "query": request.GET.urlencode()},
    )


def learner_report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    learner, form, rows = _report(request, pk)
    if rows is None:
        messages.error(request, " ".join(form.errors.get("until", []) + form.errors.get("since", [])))
        return redirect("accesslog:learner_report", pk=learner.pk)
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    return _xlsx(export.workbook(learner, since, until, rows), export.filename(learner, since, until))


@require_POST
def cabinet_extract(request: HttpRequest) -> HttpResponse:
    """A learner's own extract: who opened their data and when (152-ФЗ, ст. 14)."""
    if not access.is_learner(request.user):
        raise PermissionDenied("Выписка выдаётся слушателю о его собственных сведениях.")
    learner = get_object_or_404(Learner, user=request.user)
    form = PeriodForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect("cabinet:cabinet")
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    content = services.issue_extract(by=request.user, learner=learner, since=since, until=until)
    return _xlsx(content, export.filename(learner, since, until))

"""Pages of the paper archive: the nomenclature of cases, a case and the originals in it, filing
an original, its scan, and the cases whose archival period ends. Registry and administration."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from zachetka.achievements.services import evidence_type
from zachetka.attestation.models import Protocol
from zachetka.core import access, idempotency
from zachetka.core.forms import add_service_errors
from zachetka.paper import forms, selectors, services
from zachetka.paper.models import Case, PaperOriginal


def case_list(request: HttpRequest) -> HttpResponse:
    """The nomenclature of cases, by year."""
    access.require(request.user, "paper.view_case")
    year = request.GET.get("year", "")
    chosen = int(year) if year.isdigit() else None
    return render(
        request,
        "paper/case_list.html",
        {
            "cases": selectors.nomenclature(chosen),
            "years": selectors.years(),
            "year": chosen,
            "may_add": access.may(request.user, "paper.add_case"),
        },
    )


def _case_fields(data: dict) -> dict:
    return {name: data[name] for name in services.CASE_FIELDS}


def case_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "paper.add_case")
    if (done := idempotency.replayed(request, "paper.case")) is not None:
        return done
    form = forms.CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create() -> tuple[str, str]:
            case = services.create_case(by=request.user, **_case_fields(form.cleaned_data))
            return case.get_absolute_url(), f"Дело № {case.index} внесено в номенклатуру {case.year} года."

        try:
            return idempotency.redirect_to_result(request, idempotency.once(request, "paper.case", create))
        except ValidationError as error:
            add_service_errors(form, error)
    return _case_form(request, form, None)


def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "paper.change_case")
    case = get_object_or_404(Case, pk=pk)
    initial = {name: getattr(case, name) for name in services.CASE_FIELDS}
    if (done := idempotency.replayed(request, "paper.case_edit")) is not None:
        return done
    form = forms.CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():

        def update() -> tuple[str, str]:
            services.update_case(by=request.user, case=case, **_case_fields(form.cleaned_data))
            return case.get_absolute_url(), "Дело сохранено."

        try:
            return idempotency.redirect_to_result(
                request, idempotency.once(request, "paper.case_edit", update)
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return _case_form(request, form, case)


def _case_form(request: HttpRequest, form: forms.CaseForm, case: Case | None) -> HttpResponse:
    return render(
        request,
        "paper/case_form.html",
        {"form": form, "case": case, "suggestions": forms.SUGGESTIONS, "not_found": forms.NOT_FOUND},
    )


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A case: its place and period, the originals filed in it sheet by sheet."""
    access.require(request.user, "paper.view_case")
    case = get_object_or_404(Case.objects.select_related("created_by"), pk=pk)
    return render(
        request,
        "paper/case_detail.html",
        {
            "case": case,
            "originals": selectors.originals_in(case),
            "may_edit": access.may(request.user, "paper.change_case"),
            "may_file": case.closed_on is None and access.may(request.user, "paper.add_paperoriginal"),
        },
    )


def original_create(request: HttpRequest, pk: int) -> HttpResponse:
    """File a paper original in a case."""
    access.require(request.user, "paper.add_paperoriginal")
    case = get_object_or_404(Case, pk=pk)
    protocols = Protocol.objects.visible_to(request.user)
    initial = {}
    if request.GET.get("protocol", "").isdigit():
        protocol = protocols.filter(pk=request.GET["protocol"]).first()
        if protocol is not None:
            initial = {
                "kind": PaperOriginal.Kind.PROTOCOL,
                "protocol_number": protocol.number,
                "title": f"{protocol.get_kind_display().capitalize()} № {protocol.number}",
                "dated_on": protocol.held_on,
            }
    if (done := idempotency.replayed(request, "paper.original")) is not None:
        return done
    form = forms.OriginalForm(
        request.POST or None, request.FILES or None, protocols=protocols, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def register() -> tuple[str, str]:
            original = services.register_original(
                by=request.user,
                case=case,
                kind=data["kind"],
                title=data["title"],
                dated_on=data["dated_on"],
                sheet_from=data["sheet_from"],
                sheet_to=data["sheet_to"],
                protocol=data["protocol_number"],
                destruction_act=data["act_number"],
                scan=data["scan"],
            )
            return (
                reverse("paper:case_detail", args=[case.pk]),
                f"Подшито в дело № {case.index}: {original.title}, {original.sheets_label}.",
            )

        try:
            return idempotency.redirect_to_result(
                request, idempotency.once(request, "paper.original", register)
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return render(request, "paper/original_form.html", {"form": form, "case": case})


def original_scan(request: HttpRequest, pk: int) -> FileResponse:
    """The scan of an original: always a download, typed by its content, never by any name."""
    access.require(request.user, "paper.view_paperoriginal")
    original = get_object_or_404(PaperOriginal, pk=pk)
    if not original.scan:
        raise Http404("Скан не приложен.")
    file = original.scan.open("rb")
    kind = evidence_type(file.read(16))
    file.seek(0)
    stem = Path(original.scan_name).stem or "скан"
    response = FileResponse(
        file,
        as_attachment=True,
        filename=f"{stem}{kind.extension}" if kind else stem,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def due(request: HttpRequest) -> HttpResponse:
    """Cases whose archival period has ended or ends by next year: to destroy or to review."""
    access.require(request.user, "paper.view_case")
    return render(request, "paper/due.html", {"years": selectors.due_by_year()})

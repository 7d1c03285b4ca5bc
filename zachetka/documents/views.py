from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zachetka.accesslog import capture as accesslog
from zachetka.attestation.models import Protocol
from zachetka.blanks import selectors as blank_selectors
from zachetka.core import access, idempotency, list_export
from zachetka.core.clientip import client_ip
from zachetka.core.forms import add_service_errors
from zachetka.core.models import AuditEvent
from zachetka.documents import frdo, pdf, selectors, services
from zachetka.documents import jobs as document_jobs
from zachetka.documents.forms import (
    AnnulmentForm,
    FrdoCorrectionForm,
    FrdoForm,
    IssueForm,
    ReplacementForm,
    StateForm,
    StudyCertificateForm,
    VerificationCheckFilter,
    VerifyForm,
    registry_filter,
)
from zachetka.documents.models import KIND_OF_PROGRAM, Document, FrdoExport, FrdoSubmission
from zachetka.jobs import selectors as job_selectors
from zachetka.jobs import services as jobs
from zachetka.organization import selectors as organization
from zachetka.programs.models import Enrollment, Group


def _document(request: HttpRequest, pk: int) -> Document:
    access.require(request.user, "documents.view_document")
    return get_object_or_404(
        selectors.documents_visible_to(request.user).select_related(
            "enrollment__learner", "enrollment__group__program", "protocol", "created_by"
        ),
        pk=pk,
    )


def _attachment(content: bytes, content_type: str, name: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    return response


def registry(request: HttpRequest) -> HttpResponse:
    """The registry book of issued documents, by registration number."""
    access.require(request.user, "documents.view_document")
    form, chosen = registry_filter(request.user, request.GET)
    documents = selectors.registry(request.user, **chosen)
    page = Paginator(documents, 100).get_page(request.GET.get("page"))
    accesslog.mark(request, (document.enrollment.learner_id for document in page))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/registry.html",
        {
            "form": form,
            "page": page,
            "querystring": query.urlencode(),
            "may_issue": access.may(request.user, "documents.add_document"),
        },
    )


def registry_xlsx(request: HttpRequest) -> HttpResponse:
    """The registry with the page's filters as XLSX, made by a job (seconds for thousands)."""
    return _registry_export(request, "xlsx")


def registry_pdf(request: HttpRequest) -> HttpResponse:
    """The registry with the page's filters as a PDF to print, made by a job (minutes for
    thousands of documents)."""
    return _registry_export(request, "pdf")


def _registry_export(request: HttpRequest, output_format: str) -> HttpResponse:
    access.require(request.user, "documents.view_document")
    _, chosen = registry_filter(request.user, request.GET)
    return list_export.start_job(
        request,
        kind=document_jobs.REGISTRY,
        params={"output_format": output_format},
        title=document_jobs.registry_title(chosen, output_format),
        list_url=reverse("documents:registry"),
    )


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    history = AuditEvent.objects.about(document).order_by("seq").opened()
    may_issue = access.may(request.user, "documents.add_document") and document.is_valid
    initial = {"version": document.version}
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "history": history,
            "replacements": document.replacements.order_by("registration_year", "registration_seq"),
            "verify_url": pdf.verification_url(document),
            "replacement_form": ReplacementForm(initial=initial) if may_issue else None,
            "state_form": StateForm(initial=initial) if may_issue else None,
            "may_revoke": document.is_valid and access.may(request.user, "documents.delete_document"),
            "frdo_sent": document.frdo_submissions.order_by("-pk").first(),
            "blank": selectors.blank_of(request.user, document),
        },
    )


def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    blank = request.GET.get("blank") == "1"
    name = pdf.file_name(document) if not blank else f"Бланк {pdf.file_name(document)}"
    return _attachment(pdf.render_pdf([document], blank=blank), "application/pdf", name, inline=True)


def _replacement(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:  # noqa: ANN001
    document = _document(request, pk)
    access.require(request.user, "documents.add_document")
    if (done := idempotency.replayed(request, f"documents.{service.__name__}")) is not None:
        return done
    form = ReplacementForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields and field != "version" else ""
            messages.error(request, f"{label}: {errors[0]}" if label else errors[0])
        return redirect(document)
    data = form.cleaned_data

    def replace() -> tuple[str, str]:
        new = service(
            by=request.user,
            original=document,
            issued_on=data["issued_on"],
            series=data["series"],
            number=data["number"],
            reason=data["reason"],
            expected_version=data["version"],
        )
        return new.get_absolute_url(), f"{done}: рег. № {new.registration_number}."

    try:
        return idempotency.redirect_to_result(
            request, idempotency.once(request, f"documents.{service.__name__}", replace)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(document)


@require_POST
def document_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    return _replacement(request, pk, services.issue_duplicate, "Выдан дубликат")


@require_POST
def document_exchange(request: HttpRequest, pk: int) -> HttpResponse:
    return _replacement(request, pk, services.exchange, "Выдан документ в обмен")


def _state_change(request: HttpRequest, pk: int, service, permission: str, done: str) -> HttpResponse:  # noqa: ANN001
    document = _document(request, pk)
    access.require(request.user, permission)
    form = StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите основание.")
        return redirect(document)
    try:
        service(
            by=request.user,
            document=document,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(document)


@require_POST
def document_destroy(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(
        request,
        pk,
        services.destroy_blank,
        "documents.add_document",
        "Бланк отмечен как испорченный и уничтоженный.",
    )


@require_POST
def document_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(request, pk, services.revoke, "documents.delete_document", "Документ аннулирован.")


def protocol_annul(request: HttpRequest, pk: int) -> HttpResponse:
    """Annul a signed final protocol: first the documents issued on it and the learners who go
    back to the final attestation are shown, then the annulment is confirmed with its reason."""
    access.require(request.user, "attestation.view_protocol")
    protocol = get_object_or_404(
        Protocol.objects.visible_to(request.user).select_related("group__program"), pk=pk
    )
    access.require(request.user, "attestation.delete_protocol")
    if protocol.kind != Protocol.Kind.FINAL or protocol.status != Protocol.Status.SIGNED:
        messages.error(
            request, "Здесь аннулируют подписанный протокол итоговой аттестации; этот — на его странице."
        )
        return redirect("attestation:protocol_detail", protocol.pk)
    form = AnnulmentForm(request.POST or None, initial={"version": protocol.version})
    if request.method == "POST" and form.is_valid():
        try:
            voided = services.annul_final_protocol(
                by=request.user,
                protocol=protocol,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Протокол № {protocol.number} аннулирован; документов признано недействительными: "
                f"{len(voided)}. Слушатели возвращены к итоговой аттестации: составьте новый протокол "
                "взамен, после его подписания выдайте документы вновь.",
            )
            return redirect("attestation:protocol_detail", protocol.pk)
    return render(
        request,
        "documents/protocol_annul.html",
        {
            "form": form,
            "protocol": protocol,
            "documents": selectors.documents_of_protocol(request.user, protocol),
            "results": protocol.results.select_related("enrollment__learner").order_by(
                "enrollment__learner__last_name", "enrollment__learner__first_name"
            ),
            "voided_label": Document.State.VOIDED.label,
        },
    )


def due_list(request: HttpRequest) -> HttpResponse:
    """Documents owed: after a signed final protocol, and справки after an expulsion."""
    access.require(request.user, "documents.add_document")
    due = selectors.due_documents(request.user)
    accesslog.mark(request, (d.enrollment.learner_id for d in due))
    return render(
        request,
        "documents/due_list.html",
        {"due": due, "overdue": sum(1 for d in due if d.is_overdue), "today": timezone.localdate()},
    )


def issue_from_protocol(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a signed final protocol's documents to its whole group or to the learners ticked."""
    access.require(request.user, "documents.add_document")
    protocol = get_object_or_404(
        Protocol.objects.visible_to(request.user).select_related("group__program"),
        pk=pk,
        kind=Protocol.Kind.FINAL,
    )
    if (done := idempotency.replayed(request, "documents.issue_from_protocol")) is not None:
        return done
    issued = set(
        Document.objects.filter(
            enrollment__attestation_results__protocol=protocol, state__in=Document.SETTLED
        ).values_list("enrollment_id", flat=True)
    )
    results = [
        r for r in protocol.results.select_related("enrollment__learner") if r.enrollment_id not in issued
    ]
    owed = [r.enrollment for r in results]
    kind = KIND_OF_PROGRAM[protocol.group.program.kind]
    on_blank = kind in Document.ON_BLANK
    stock = blank_selectors.stock(form=kind) if on_blank else []
    form = IssueForm(request.POST or None, owed=owed, stock=stock)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def issue() -> tuple[str, str]:
            documents = services.issue_from_protocol(
                by=request.user,
                protocol=protocol,
                issued_on=data["issued_on"],
                series=data["series"],
                first_number=data["first_number"],
                enrollments=list(data["enrollments"]),
            )
            return (
                reverse("documents:group_documents", args=[protocol.group_id]),
                f"Выдано документов: {len(documents)}.",
            )

        try:
            return idempotency.redirect_to_result(
                request, idempotency.once(request, "documents.issue_from_protocol", issue)
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return render(
        request,
        "documents/issue_form.html",
        {
            "form": form,
            "protocol": protocol,
            "owed": owed,
            "document_kind": protocol.group.program.completion_document,
            "issued": len(issued),
            "on_blank": on_blank,
            "blanks_needed": sum(1 for r in results if r.is_passing) if on_blank else 0,
            "stock": stock,
            "first_free": form.first_free,
        },
    )


def study_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a справка об обучении to an expelled learner (or one who failed the final one)."""
    access.require(request.user, "documents.add_document")
    enrollment = get_object_or_404(
        Enrollment.objects.visible_to(request.user).select_related("learner", "group__program"), pk=pk
    )
    if (done := idempotency.replayed(request, "documents.study_certificate")) is not None:
        return done
    form = StudyCertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def issue() -> tuple[str, str]:
            document = services.issue_study_certificate(
                by=request.user, enrollment=enrollment, issued_on=form.cleaned_data["issued_on"]
            )
            return document.get_absolute_url(), f"Справка выдана: рег. № {document.registration_number}."

        try:
            return idempotency.redirect_to_result(
                request, idempotency.once(request, "documents.study_certificate", issue)
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return render(request, "documents/study_certificate_form.html", {"form": form, "enrollment": enrollment})


def group_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """A group's issued documents with printing for all of them at once."""
    access.require(request.user, "documents.view_document")
    group = get_object_or_404(Group.objects.visible_to(request.user).select_related("program"), pk=pk)
    documents = selectors.registry(request.user, group_id=group.pk)
    protocols = Protocol.objects.filter(group=group, kind=Protocol.Kind.FINAL, status=Protocol.Status.SIGNED)
    return render(
        request,
        "documents/group_documents.html",
        {
            "group": group,
            "documents": documents,
            "protocols": protocols,
            "may_issue": access.may(request.user, "documents.add_document"),
        },
    )


def group_documents_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The old address of a group's printout: printing is started from the group's documents
    page (a POST starting a job), never by a GET."""
    return redirect("documents:group_documents", pk=pk)


@require_POST
def group_documents_print(request: HttpRequest, pk: int) -> HttpResponse:
    """Print every valid document of a group in the background; the job page shows progress."""
    access.require(request.user, "documents.view_document")
    group = get_object_or_404(Group.objects.visible_to(request.user), pk=pk)
    output_format = request.POST.get("format", "")
    if output_format not in document_jobs.FORMATS:
        messages.error(request, "Выберите, как напечатать документы.")
        return redirect("documents:group_documents", pk=group.pk)
    job = jobs.start(
        by=request.user,
        kind=document_jobs.GROUP_PRINT,
        params={"group_id": group.pk, "output_format": output_format},
        title=document_jobs.group_print_title(group, output_format),
    )
    return redirect("jobs:job_detail", pk=job.pk)


def group_documents_zip(request: HttpRequest, pk: int) -> HttpResponse:
    """The old address of a group's documents as ZIP: see `group_documents_pdf`."""
    return redirect("documents:group_documents", pk=pk)


def frdo_page(request: HttpRequest) -> HttpResponse:
    """ФИС ФРДО: what is not reported yet (and past the deadline), the export, past exports.
    The export runs in the background; the form starts it and the job's page shows its progress."""
    access.require(request.user, "documents.add_frdoexport")
    groups = Group.objects.visible_to(request.user).order_by("-starts_on", "code")
    form = FrdoForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = jobs.start(
            by=request.user,
            kind=document_jobs.FRDO_EXPORT,
            params={
                "template_key": data["template"],
                "year": data["year"],
                "group_id": data["group"].pk if data["group"] else None,
                "only_new": data["only_new"],
            },
            title=document_jobs.frdo_export_title(data["template"], data["year"], data["group"]),
        )
        return redirect("jobs:job_detail", pk=job.pk)
    return render(request, "documents/frdo.html", _frdo_context(request, form, []))


def _frdo_context(request: HttpRequest, form: FrdoForm, problems: list[str]) -> dict:
    # The person's latest export job: while it runs, a link to it; refused, its report by row.
    last_job = job_selectors.recent_jobs(request.user).filter(kind=document_jobs.FRDO_EXPORT).first()
    if last_job is not None and last_job.status == last_job.Status.FAILED and not problems:
        problems = last_job.error.splitlines()
    pending = frdo.pending()
    overdue = frdo.overdue(pending).select_related("enrollment__group").order_by("issued_on")
    return {
        "form": form,
        "problems": problems,
        "last_job": last_job,
        "pending": pending.count(),
        "overdue": overdue[:200],
        "overdue_count": overdue.count(),
        "corrections": frdo.manual_corrections(),
        "correction_form": FrdoCorrectionForm(),
        "exports": FrdoExport.objects.select_related("group", "created_by")[:50],
        "report_days": organization.deadlines().frdo_report_days,
    }


@require_POST
def frdo_correction(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that a document's record in ФИС ФРДО was corrected by hand (in its cabinet)."""
    access.require(request.user, "documents.add_frdoexport")
    document = get_object_or_404(selectors.documents_visible_to(request.user), pk=pk)
    form = FrdoCorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Опишите, что исправлено в ФИС ФРДО.")
        return redirect("documents:frdo")
    try:
        frdo.record_manual_correction(by=request.user, document=document, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Исправление в ФИС ФРДО отмечено: рег. № {document.registration_number}.")
    return redirect("documents:frdo")


def frdo_file(request: HttpRequest, pk: int) -> FileResponse:
    access.require(request.user, "documents.view_frdoexport")
    record = get_object_or_404(FrdoExport, pk=pk)
    if not record.file:
        raise Http404("Файл выгрузки не сохранён.")
    sent = FrdoSubmission.objects.filter(export=record)
    accesslog.mark(request, sent.values_list("document__enrollment__learner_id", flat=True))
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.file_name)


@access.public
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone checks a document by its registration number and the holder's surname."""
    form = VerifyForm(request.POST or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = services.verify(
            ip_address=client_ip(request),
            registration_number=form.cleaned_data["registration_number"],
            last_name=form.cleaned_data["last_name"],
        )
    return _verification_page(request, form, outcome)


@access.public
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """The page a document's QR code opens."""
    outcome = services.verify(ip_address=client_ip(request), code=code)
    return _verification_page(request, VerifyForm(), outcome)


def _verification_page(
    request: HttpRequest, form: VerifyForm, outcome: services.Verification | None
) -> HttpResponse:
    status = 429 if outcome and outcome.wait_seconds else 200
    context = {"form": form, "outcome": outcome, "organization_name": organization.current().full_name}
    response = render(request, "documents/verify.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(outcome.wait_seconds)
    return response


def verification_checks(request: HttpRequest) -> HttpResponse:
    """«Проверки подлинности»: the public verification log with filters (the administration)."""
    access.require(request.user, selectors.VIEW_CHECKS)
    form = VerificationCheckFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    checks = selectors.verification_checks(
        request.user,
        since=filters.get("since"),
        until=filters.get("until"),
        found=filters.get("found", ""),
        number=filters.get("number", ""),
    )
    page = Paginator(checks, 100).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "documents/verification_checks.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring.urlencode(),
            "ip_days": settings.VERIFICATION_IP_DAYS,
            "may_open_documents": access.may(request.user, "documents.view_document"),
        },
    )

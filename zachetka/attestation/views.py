import json
from collections.abc import Mapping
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zachetka.accesslog import capture as accesslog
from zachetka.attestation import jobs as attestation_jobs
from zachetka.attestation import pdf, selectors, services
from zachetka.attestation.forms import CommissionForm, FinalProtocolForm, StatementForm
from zachetka.attestation.models import AcademicDebt, Protocol, ProtocolResult
from zachetka.core import access, idempotency, list_export
from zachetka.core.forms import add_service_errors
from zachetka.core.versioning import ConcurrentEditError
from zachetka.jobs import services as jobs
from zachetka.people.models import Learner
from zachetka.programs.models import Group


def _group(request: HttpRequest, pk: int, permission: str) -> Group:
    access.require(request.user, permission)
    try:
        return Group.objects.visible_to(request.user).select_related("program").get(pk=pk)
    except Group.DoesNotExist as error:
        raise Http404("Группа не найдена.") from error


def _protocol(request: HttpRequest, pk: int) -> Protocol:
    access.require(request.user, "attestation.view_protocol")
    try:
        return selectors.protocol_for(request.user, pk)
    except Protocol.DoesNotExist as error:
        raise Http404("Протокол не найден.") from error


def _replaced(request: HttpRequest, group: Group) -> Protocol | None:
    """The annulled protocol a new one is drawn up in place of (`?replaces=` on the form)."""
    pk = request.POST.get("replaces") or request.GET.get("replaces")
    if not pk:
        return None
    protocol = Protocol.objects.filter(group=group, pk=pk if str(pk).isdigit() else 0).first()
    if protocol is None:
        raise Http404("Аннулированный протокол не найден.")
    return protocol


def group_debts(request: HttpRequest, pk: int) -> HttpResponse:
    """Academic debts of a group: open ones with their deadlines, then those cleared."""
    group = _group(request, pk, "attestation.view_academicdebt")
    debts = (
        AcademicDebt.objects.filter(enrollment__group=group)
        .select_related("enrollment__learner", "module", "arisen_from", "closed_by")
        .order_by("closed_at", "due_on", "enrollment__learner__last_name")
    )
    return render(
        request,
        "attestation/group_debts.html",
        {"group": group, "debts": debts, "today": timezone.localdate()},
    )


def _open_debts(request: HttpRequest) -> tuple:
    """The open debts the user sees, overdue ones only on request; with that choice and today."""
    access.require(request.user, "attestation.view_academicdebt")
    overdue_only = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    return selectors.open_debts(request.user, overdue_only=overdue_only, today=today), overdue_only, today


def debt_list(request: HttpRequest) -> HttpResponse:
    """Open academic debts across the groups the user sees; overdue ones on request."""
    debts, overdue_only, today = _open_debts(request)
    page = Paginator(debts, 100).get_page(request.GET.get("page"))
    accesslog.mark(request, (debt.enrollment.learner_id for debt in page))
    return render(
        request,
        "attestation/debt_list.html",
        {
            "page": page,
            "overdue_only": overdue_only,
            "today": today,
            "querystring": "overdue=1" if overdue_only else "",
        },
    )


def debt_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The open debts of the list page (with its filter) as XLSX, made by a job (seconds for
    thousands). A GET goes back to the list."""
    access.require(request.user, "attestation.view_academicdebt")
    return list_export.start_job(
        request,
        kind=attestation_jobs.DEBT_LIST,
        params={},
        title=attestation_jobs.debt_list_title(request.GET.get("overdue") == "1"),
        list_url=reverse("attestation:debt_list"),
    )


def learner_debts(request: HttpRequest, pk: int) -> HttpResponse:
    """One learner's academic debts in every enrolment, with the sittings that raised and
    cleared them."""
    access.require(request.user, "attestation.view_academicdebt")
    learner = get_object_or_404(Learner.objects.visible_to(request.user), pk=pk)
    return render(
        request,
        "attestation/learner_debts.html",
        {
            "learner": learner,
            "debts": selectors.learner_debts(request.user, learner.pk),
            "today": timezone.localdate(),
        },
    )


def group_admission(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is admitted to the final attestation and, for the others, why not."""
    group = _group(request, pk, "attestation.view_academicdebt")
    admissions = services.final_admission(group)
    return render(
        request,
        "attestation/group_admission.html",
        {
            "group": group,
            "admissions": admissions,
            "admitted": sum(1 for a in admissions if a.is_admitted),
            "may_create": access.may(request.user, "attestation.add_protocol")
            and access.manages_group(request.user, group.pk),
        },
    )


def group_protocols(request: HttpRequest, pk: int) -> HttpResponse:
    """A group's attestation: each module's statements and open debts, and every statement and
    protocol, annulled ones included, with their PDFs."""
    group = _group(request, pk, "attestation.view_protocol")
    protocols = (
        Protocol.objects.filter(group=group)
        .select_related("module", "commission", "examiner", "replaces")
        .order_by("-held_on", "-number")
    )
    overview = selectors.attempts_by_module(group)
    graded = access.graded_module_ids(request.user, group.pk)
    modules = [
        (
            module,
            overview.get(module.pk, {"statements": [], "open_debts": 0}),
            graded is None or module.pk in graded,
        )
        for module in group.program.modules.order_by("order")
    ]
    return render(
        request,
        "attestation/group_protocols.html",
        {
            "group": group,
            "protocols": protocols,
            "modules": modules,
            "may_create": access.may(request.user, "attestation.add_protocol"),
            "may_create_final": access.may(request.user, "attestation.add_protocol")
            and access.manages_group(request.user, group.pk),
        },
    )


def statement_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Draw up an intermediate statement (or a retake) of a module, pre-filled from the gradebook."""
    group = _group(request, pk, "attestation.add_protocol")
    graded = access.graded_module_ids(request.user, group.pk)
    modules = [m for m in group.program.modules.order_by("order") if graded is None or m.pk in graded]
    if not modules:
        raise PermissionDenied("Вы не ведёте модулей этой группы.")
    replaces = _replaced(request, group)
    initial = {"held_on": timezone.localdate(), "module": request.GET.get("module")}
    if request.GET.get("attempt", "").isdigit():
        initial["attempt"] = int(request.GET["attempt"])
    if replaces is not None:
        initial |= {"module": replaces.module_id, "attempt": replaces.attempt, "held_on": replaces.held_on}
        initial |= {"commission": replaces.commission_id, "examiner": replaces.examiner_id}
    if (done := idempotency.replayed(request, "attestation.statement")) is not None:
        return done
    form = StatementForm(request.POST or None, group=group, modules=modules, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> tuple[str, str]:
            protocol = services.create_intermediate_statement(
                by=request.user,
                group=group,
                module=data["module"],
                held_on=data["held_on"],
                attempt=data["attempt"],
                commission=data["commission"],
                examiner=data["examiner"],
                replaces=replaces,
            )
            return (
                reverse("attestation:protocol_detail", args=[protocol.pk]),
                f"Ведомость № {protocol.number} составлена. Проверьте результаты.",
            )

        try:
            return idempotency.redirect_to_result(
                request, idempotency.once(request, "attestation.statement", create)
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return render(
        request,
        "attestation/protocol_form.html",
        {"form": form, "group": group, "replaces": replaces, "title": "Ведомость промежуточной аттестации"},
    )


def final_protocol_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the final attestation protocol for the learners admitted to it."""
    group = _group(request, pk, "attestation.add_protocol")
    if not access.manages_group(request.user, group.pk):
        raise PermissionDenied("Протокол итоговой аттестации составляют учебная часть и куратор группы.")
    replaces = _replaced(request, group)
    initial = {"held_on": timezone.localdate()}
    if replaces is not None:
        initial |= {"held_on": replaces.held_on, "form": replaces.final_form}
        initial |= {"commission": replaces.commission_id, "scale": replaces.scale_id}
    if (done := idempotency.replayed(request, "attestation.final_protocol")) is not None:
        return done
    form = FinalProtocolForm(request.POST or None, group=group, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> tuple[str, str]:
            protocol = services.create_final_protocol(
                by=request.user,
                group=group,
                held_on=data["held_on"],
                form=data["form"],
                commission=data["commission"],
                scale=data["scale"],
                replaces=replaces,
            )
            return (
                reverse("attestation:protocol_detail", args=[protocol.pk]),
                f"Протокол № {protocol.number} составлен. Внесите результаты.",
            )

        try:
            return idempotency.redirect_to_result(
                request, idempotency.once(request, "attestation.final_protocol", create)
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return render(
        request,
        "attestation/protocol_form.html",
        {"form": form, "group": group, "replaces": replaces, "title": "Протокол итоговой аттестации"},
    )


# A learner's line in the packed results: the field names, a result and a topic of at most
# 500 characters, with room for JSON escapes.
_PACKED_CHARS_PER_LEARNER = 2000


def _posted_results(request: HttpRequest, learners: int) -> Mapping[str, str] | None:
    """The results form's fields by name («value-<enrolment>», «topic-<enrolment>»).

    The page's script sends them as one JSON field, `results`: a field per learner would trip
    Django's limit of 1,000 fields a request (DATA_UPLOAD_MAX_NUMBER_FIELDS, kept for every
    other form) in a group of a thousand. Without the script the fields come one by one, as
    far as that limit allows. None if the packed field is not what the page sends.
    """
    packed = request.POST.get("results")
    if packed is None:
        return request.POST
    if len(packed) > _PACKED_CHARS_PER_LEARNER * (learners + 1):
        return None
    try:
        fields = json.loads(packed)
    except ValueError:
        return None
    if not isinstance(fields, dict) or not all(isinstance(value, str) for value in fields.values()):
        return None
    return fields


def _posted_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


# What a learner's line shows in each field of the results form: (field prefix, saved value).
def _shown_fields(protocol: Protocol, result: ProtocolResult) -> dict[str, str]:
    fields = {"value": result.value}
    if protocol.final_form == Protocol.FinalForm.DEFENSE:
        fields["topic"] = result.work_topic
    if protocol.awards_grade:
        fields["grade"] = result.qualification_grade
    return fields


def _typed(
    protocol: Protocol, results: list[ProtocolResult], fields: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """Per enrolment id, what the results form held: each shown field as typed."""
    return {
        str(r.enrollment_id): {
            name: fields.get(f"{name}-{r.enrollment_id}", "") for name in _shown_fields(protocol, r)
        }
        for r in results
    }


def _render_detail(
    request: HttpRequest,
    protocol: Protocol,
    results: list[ProtocolResult],
    typed: dict[str, dict[str, str]] | None = None,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    """The protocol's page; `typed` keeps what the user typed on screen (a refused save or
    signature shows it again rather than the saved values)."""
    typed, errors = typed or {}, errors or {}
    awarded = selectors.awarded_qualifications(protocol, results)
    rows = []
    for r in results:
        shown = typed.get(str(r.enrollment_id)) or _shown_fields(protocol, r)
        rows.append(
            {
                "result": r,
                "value": shown.get("value", r.value),
                "topic": shown.get("topic", r.work_topic),
                "grade": shown.get("grade", r.qualification_grade),
                "error": errors.get(str(r.enrollment_id), ""),
                "awarded": awarded.get(r.pk, ""),
            }
        )
    seat = services.seat_of(request.user, protocol)
    attendance = selectors.attendance(protocol) if protocol.commission_id else None
    return render(
        request,
        "attestation/protocol_detail.html",
        {
            "protocol": protocol,
            "program": protocol.group.program,
            "rows": rows,
            "errors": list(errors.values()),
            "members": pdf.ordered_members(protocol),
            "attendance": attendance if attendance and attendance.members else None,
            "may_mark_attendance": protocol.is_draft and services.may_mark_attendance(request.user, protocol),
            "scale_hint": protocol.scale.allowed_hint(list(protocol.scale.values.all())),
            "may_fill": protocol.is_draft and services.may_fill(request.user, protocol),
            "seat": seat,
            "may_sign": services.may_sign(request.user, protocol),
            "has_signatures": bool(
                protocol.chair_signed_at
                or protocol.secretary_signed_at
                or protocol.examiner_signed_at
                or (attendance and any(m.signed_at for m in attendance.members))
            ),
            "may_annul": protocol.can_become(Protocol.Status.ANNULLED)
            and access.may(request.user, "attestation.delete_protocol"),
            "replacement": selectors.replacement_of(protocol),
            "may_replace": protocol.status == Protocol.Status.ANNULLED
            and access.may(request.user, "attestation.add_protocol"),
            "passed": sum(1 for r in results if r.is_passing),
        },
    )


def protocol_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A protocol: in draft, its results are entered here, all at once, the commission's
    attendance is marked, then it is signed; once signed it is read-only and may only be
    annulled (with a reason) and replaced."""
    protocol = _protocol(request, pk)
    results = selectors.protocol_results(protocol)
    if request.method != "POST":
        return _render_detail(request, protocol, results)
    fields = _posted_results(request, len(results))
    if fields is None:
        messages.error(
            request, "Не удалось прочитать введённые результаты: обновите страницу и введите их снова."
        )
        return redirect("attestation:protocol_detail", protocol.pk)
    typed = _typed(protocol, results, fields)
    entries = [
        services.ResultEntry(
            r.enrollment_id,
            typed[str(r.enrollment_id)]["value"],
            typed[str(r.enrollment_id)].get("topic"),
            typed[str(r.enrollment_id)].get("grade"),
        )
        for r in results
    ]
    try:
        services.set_results(
            by=request.user, protocol=protocol, entries=entries, expected_version=_posted_version(request)
        )
    except ConcurrentEditError as error:
        messages.error(request, error.messages[0])
        return redirect("attestation:protocol_detail", protocol.pk)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            messages.error(request, error.messages[0])
            return _render_detail(request, protocol, results, typed)
        errors = {key: messages_[0] for key, messages_ in error.message_dict.items()}
        return _render_detail(request, protocol, results, typed, errors)
    messages.success(request, "Результаты сохранены.")
    return redirect("attestation:protocol_detail", protocol.pk)


STALE_SIGNATURE = "Результаты изменились, пока вы их просматривали. Проверьте их и подпишите снова."


def _unsaved(protocol: Protocol, results: list[ProtocolResult], fields: Mapping[str, str]) -> list[str]:
    """Learners whose lines on screen differ from what is saved (of the fields that came)."""
    return [
        r.enrollment.learner.short_name
        for r in results
        if any(
            f"{name}-{r.enrollment_id}" in fields and fields[f"{name}-{r.enrollment_id}"] != saved
            for name, saved in _shown_fields(protocol, r).items()
        )
    ]


def _sign_confirmation(request: HttpRequest, protocol: Protocol, version: int) -> HttpResponse:
    """The step before a signature: refuse while the results on screen differ from those saved,
    else show what the signature covers and ask to confirm."""
    try:
        seat, _ = services.signing_seat(request.user, protocol)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("attestation:protocol_detail", protocol.pk)
    results = selectors.protocol_results(protocol)
    fields = _posted_results(request, len(results))
    if fields is None:
        messages.error(request, "Не удалось прочитать результаты на экране: обновите страницу.")
        return redirect("attestation:protocol_detail", protocol.pk)
    unsaved = _unsaved(protocol, results, fields)
    if unsaved:
        names = ", ".join(unsaved[:5]) + (" и другие" if len(unsaved) > 5 else "")
        messages.error(
            request,
            f"Не подписано: на экране есть несохранённые изменения результатов ({names}). "
            "Сохраните результаты (или обновите страницу, чтобы отменить правку) и подпишите снова.",
        )
        return _render_detail(request, protocol, results, _typed(protocol, results, fields))
    if version != protocol.version:
        messages.error(request, STALE_SIGNATURE)
        return redirect("attestation:protocol_detail", protocol.pk)
    try:
        services.check_signable(protocol)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("attestation:protocol_detail", protocol.pk)
    attendance = selectors.attendance(protocol) if protocol.commission_id else None
    return render(
        request,
        "attestation/protocol_sign_confirm.html",
        {
            "protocol": protocol,
            "seat": seat,
            "summary": selectors.results_summary(protocol, results),
            "attendance": attendance,
            "unsigned": [m for m in attendance.present if not m.signed_at and m.user_id != request.user.pk]
            if attendance
            else [],
        },
    )


@require_POST
def protocol_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign in two steps: the sign button shows what the signature covers (refusing while the
    results on screen are unsaved); the confirmation's button (`confirmed=1`) signs."""
    protocol = _protocol(request, pk)
    version = _posted_version(request)
    if request.POST.get("confirmed") != "1":
        return _sign_confirmation(request, protocol, version)
    try:
        protocol = services.sign_protocol(by=request.user, protocol=protocol, expected_version=version)
    except ConcurrentEditError:
        messages.error(request, STALE_SIGNATURE)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if protocol.status == Protocol.Status.SIGNED:
            messages.success(request, f"Протокол № {protocol.number} подписан и вступил в силу.")
        else:
            messages.success(
                request, "Ваша подпись поставлена. Протокол ждёт подписей других членов комиссии."
            )
    return redirect("attestation:protocol_detail", protocol.pk)


@require_POST
def protocol_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark which commission members were present at the sitting (a draft only)."""
    protocol = _protocol(request, pk)
    if not services.may_mark_attendance(request.user, protocol):
        raise PermissionDenied("Присутствующих отмечают учебная часть, куратор группы и автор протокола.")
    present = [int(value) for value in request.POST.getlist("present") if value.isdigit()]
    try:
        services.set_attendance(
            by=request.user, protocol=protocol, present=present, expected_version=_posted_version(request)
        )
    except ConcurrentEditError as error:
        messages.error(request, error.messages[0])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        found = selectors.attendance(protocol)
        messages.success(
            request, f"Присутствие отмечено: {len(found.present)} из {len(found.members)} членов комиссии."
        )
    return redirect("attestation:protocol_detail", protocol.pk)


@require_POST
def protocol_annul(request: HttpRequest, pk: int) -> HttpResponse:
    protocol = _protocol(request, pk)
    try:
        services.annul_protocol(by=request.user, protocol=protocol, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Протокол № {protocol.number} аннулирован. Составьте новый взамен.")
    return redirect("attestation:protocol_detail", protocol.pk)


def protocol_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    protocol = _protocol(request, pk)
    response = HttpResponse(pdf.render_protocol_pdf(protocol), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(f'Протокол {protocol.number}.pdf')}"
    return response


def _summary(request: HttpRequest, pk: int) -> selectors.Summary:
    access.require(request.user, "attestation.view_protocol")
    try:
        return selectors.group_summary(request.user, pk)
    except Group.DoesNotExist as error:
        raise Http404("Группа не найдена.") from error


def group_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The consolidated statement (сводная ведомость) of a group."""
    return render(request, "attestation/group_summary.html", {"summary": _summary(request, pk)})


def group_summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The old address of the statement's PDF: it is made by a job started from the statement's
    page (a POST), never by a GET."""
    return redirect("attestation:group_summary", pk=pk)


@require_POST
def group_summary_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The consolidated statement as PDF or XLSX in the background; the job page shows progress."""
    access.require(request.user, "attestation.view_protocol")
    group = get_object_or_404(Group.objects.visible_to(request.user), pk=pk)
    output_format = request.POST.get("format", "")
    if output_format not in attestation_jobs.FORMATS:
        messages.error(request, "Выберите формат сводной ведомости.")
        return redirect("attestation:group_summary", pk=group.pk)
    job = jobs.start(
        by=request.user,
        kind=attestation_jobs.SUMMARY,
        params={"group_id": group.pk, "output_format": output_format},
        title=attestation_jobs.summary_title(group, output_format),
    )
    return redirect("jobs:job_detail", pk=job.pk)


def group_summary_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The old address of the statement's XLSX: see `group_summary_pdf`."""
    return redirect("attestation:group_summary", pk=pk)


def commission_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "attestation.view_commission")
    commissions = selectors.commissions_visible_to(request.user).order_by("-order_date", "pk")
    page = Paginator(commissions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "attestation/commission_list.html",
        {"page": page, "may_add": access.may(request.user, "attestation.add_commission")},
    )


def commission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "attestation.view_commission")
    commission = get_object_or_404(selectors.commissions_visible_to(request.user), pk=pk)
    protocols = (
        Protocol.objects.visible_to(request.user)
        .filter(commission=commission)
        .select_related("group", "module")
        .order_by("-held_on", "-number")
    )
    return render(
        request,
        "attestation/commission_detail.html",
        {"commission": commission, "members": pdf.commission_members(commission), "protocols": protocols},
    )


def commission_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "attestation.add_commission")
    if (done := idempotency.replayed(request, "attestation.commission")) is not None:
        return done
    form = CommissionForm(
        request.POST or None, user=request.user, initial={"group": request.GET.get("group")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> tuple[str, str]:
            commission = services.create_commission(
                by=request.user,
                title=data["title"],
                order_number=data["order_number"],
                order_date=data["order_date"],
                chair=data["chair"],
                secretary=data["secretary"],
                members=list(data["members"]),
                program=data["program"],
                group=data["group"],
            )
            return (
                reverse("attestation:commission_detail", args=[commission.pk]),
                f"Комиссия утверждена приказом № {commission.order_number}.",
            )

        try:
            return idempotency.redirect_to_result(
                request, idempotency.once(request, "attestation.commission", create)
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return render(request, "attestation/commission_form.html", {"form": form})

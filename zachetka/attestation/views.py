from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from zachetka.attestation import pdf, services
from zachetka.attestation.models import AcademicDebt, Protocol
from zachetka.core import access
from zachetka.programs.models import Group


def _group(request: HttpRequest, pk: int) -> Group:
    access.require(request.user, "attestation.view_academicdebt")
    try:
        return Group.objects.visible_to(request.user).select_related("program").get(pk=pk)
    except Group.DoesNotExist as error:
        raise Http404("Группа не найдена.") from error


def group_debts(request: HttpRequest, pk: int) -> HttpResponse:
    """Academic debts of a group: open ones with their deadlines, then those cleared."""
    group = _group(request, pk)
    debts = (
        AcademicDebt.objects.filter(enrollment__group=group)
        .select_related("enrollment__learner", "module", "arisen_from", "closed_by")
        .order_by("closed_at", "due_on", "enrollment__learner__last_name")
    )
    return render(request, "attestation/group_debts.html", {"group": group, "debts": debts})


def group_admission(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is admitted to the final attestation and, for the others, why not."""
    group = _group(request, pk)
    admissions = services.final_admission(group)
    return render(
        request,
        "attestation/group_admission.html",
        {
            "group": group,
            "admissions": admissions,
            "admitted": sum(1 for a in admissions if a.is_admitted),
        },
    )


def group_protocols(request: HttpRequest, pk: int) -> HttpResponse:
    """Every statement and protocol of a group, annulled ones included, with their PDFs."""
    access.require(request.user, "attestation.view_protocol")
    try:
        group = Group.objects.visible_to(request.user).select_related("program").get(pk=pk)
    except Group.DoesNotExist as error:
        raise Http404("Группа не найдена.") from error
    protocols = (
        Protocol.objects.filter(group=group)
        .select_related("module", "commission", "examiner", "replaces")
        .order_by("-held_on", "-number")
    )
    return render(request, "attestation/group_protocols.html", {"group": group, "protocols": protocols})


def protocol_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "attestation.view_protocol")
    protocol = get_object_or_404(
        Protocol.objects.visible_to(request.user).select_related("group__program", "module", "commission"),
        pk=pk,
    )
    response = HttpResponse(pdf.render_protocol_pdf(protocol), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(f'Протокол {protocol.number}.pdf')}"
    return response

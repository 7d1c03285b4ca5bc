"""Protocols and the consolidated statement as PDF (A4, Cyrillic fonts, signature lines),
rendered from HTML templates by WeasyPrint (Debian: libpango-1.0-0, libpangoft2-1.0-0)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from zachetka.attestation import selectors
from zachetka.attestation.models import Commission, CommissionMember, Protocol, ProtocolResult
from zachetka.core import pdf as core_pdf
from zachetka.gradebook import scales
from zachetka.organization import selectors as organization

_ROLE_ORDER = {
    CommissionMember.Role.CHAIR: 0,
    CommissionMember.Role.MEMBER: 1,
    CommissionMember.Role.SECRETARY: 2,
}


def commission_members(commission: Commission) -> list[CommissionMember]:
    """Chair first, then members, the secretary last, as a protocol lists them."""
    members = list(commission.members.select_related("user").order_by("pk"))
    return sorted(members, key=lambda member: _ROLE_ORDER[member.role])


def ordered_members(protocol: Protocol) -> list[CommissionMember]:
    return commission_members(protocol.commission) if protocol.commission_id else []


@dataclass(frozen=True)
class ResultLine:
    result: ProtocolResult
    words: str  # the result in words, «хорошо (4)»


def protocol_context(protocol: Protocol) -> dict:
    results = selectors.protocol_results(protocol)
    attendance = selectors.attendance(protocol) if protocol.commission_id else None
    values = list(protocol.scale.values.all())
    return {
        "requisites": organization.current(),
        "protocol": protocol,
        "group": protocol.group,
        "program": protocol.group.program,
        "module": protocol.module,
        "members": ordered_members(protocol),
        "lines": [
            ResultLine(
                r, scales.in_words(r.value, protocol.scale, sex=r.enrollment.learner.sex, values=values)
            )
            for r in results
        ],
        "results": results,
        "passed": sum(1 for r in results if r.is_passing),
        # Who sat and signs (none for a protocol signed before attendance was recorded).
        "attendance": attendance if attendance and attendance.members else None,
        "awarded": selectors.awarded_qualifications(protocol, results),
    }


def render_protocol_pdf(protocol: Protocol) -> bytes:
    return core_pdf.render_pdf("attestation/protocol_pdf.html", protocol_context(protocol))


def summary_in_words(summary: selectors.Summary) -> dict[int, tuple[list[str], str]]:
    """Per enrolment of the statement: each module's result and the final one in words («—» for
    none), read like the statement itself from signed protocols (the later sitting counts)."""
    modules = {module.pk: index for index, module in enumerate(summary.modules)}
    words = {row.enrollment.pk: (["—"] * len(modules), "—") for row in summary.rows}
    signed = (
        ProtocolResult.objects.filter(protocol__group=summary.group, protocol__status=Protocol.Status.SIGNED)
        .exclude(value="")
        .select_related("protocol__scale", "enrollment__learner")
        .prefetch_related("protocol__scale__values")
        .order_by("protocol__held_on", "protocol__attempt", "protocol__pk")
    )
    for result in signed:
        if result.enrollment_id not in words:
            continue
        scale = result.protocol.scale
        text = scales.in_words(
            result.value, scale, sex=result.enrollment.learner.sex, values=list(scale.values.all())
        )
        intermediate, final = words[result.enrollment_id]
        if result.protocol.kind == Protocol.Kind.FINAL:
            final = text
        elif result.protocol.module_id in modules:
            intermediate[modules[result.protocol.module_id]] = text
        words[result.enrollment_id] = (intermediate, final)
    return words


def render_summary_pdf(summary: selectors.Summary, *, on_stage: Callable[..., None] | None = None) -> bytes:
    """The consolidated statement on landscape A4, module titles as numbered columns, results in
    words. `on_stage` is told each page laid out (`core.pdf.reporting`)."""
    words = summary_in_words(summary)
    rows = [(row, *words[row.enrollment.pk]) for row in summary.rows]
    with core_pdf.reporting(on_stage):
        return core_pdf.render_pdf(
            "attestation/summary_pdf.html",
            {
                "requisites": organization.current(),
                "summary": summary,
                "rows": rows,
                "printed_on": timezone.localdate(),
            },
        )

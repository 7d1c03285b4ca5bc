"""Protocols and the consolidated statement as PDF (A4, Cyrillic fonts, signature lines),
rendered from HTML templates by WeasyPrint (Debian: libpango-1.0-0, libpangoft2-1.0-0)."""

from django.conf import settings
from django.utils import timezone

from zachetka.attestation import selectors
from zachetka.attestation.models import Commission, CommissionMember, Protocol
from zachetka.core import pdf as core_pdf

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


def protocol_context(protocol: Protocol) -> dict:
    results = selectors.protocol_results(protocol)
    attendance = selectors.attendance(protocol) if protocol.commission_id else None
    return {
        "organization": settings.ORGANIZATION_NAME,
        "protocol": protocol,
        "group": protocol.group,
        "program": protocol.group.program,
        "module": protocol.module,
        "members": ordered_members(protocol),
        "results": results,
        "passed": sum(1 for r in results if r.is_passing),
        # Who sat and signs (none for a protocol signed before attendance was recorded).
        "attendance": attendance if attendance and attendance.members else None,
        "awarded": selectors.awarded_qualifications(protocol, results),
    }


def render_protocol_pdf(protocol: Protocol) -> bytes:
    return core_pdf.render_pdf("attestation/protocol_pdf.html", protocol_context(protocol))


def render_summary_pdf(summary: selectors.Summary) -> bytes:
    """The consolidated statement on landscape A4, module titles as numbered columns."""
    return core_pdf.render_pdf(
        "attestation/summary_pdf.html",
        {"organization": settings.ORGANIZATION_NAME, "summary": summary, "printed_on": timezone.localdate()},
    )

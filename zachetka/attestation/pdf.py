"""Protocols as PDF (A4, Cyrillic fonts, signature lines), rendered from an HTML template."""

from django.conf import settings
from django.template.loader import render_to_string

from zachetka.attestation.models import CommissionMember, Protocol


def protocol_context(protocol: Protocol) -> dict:
    members = []
    if protocol.commission_id:
        members = list(protocol.commission.members.select_related("user").order_by("role", "pk"))
    role_order = {
        CommissionMember.Role.CHAIR: 0,
        CommissionMember.Role.MEMBER: 1,
        CommissionMember.Role.SECRETARY: 2,
    }
    members.sort(key=lambda member: role_order[member.role])
    results = list(
        protocol.results.select_related("enrollment__learner").order_by(
            "enrollment__learner__last_name",
            "enrollment__learner__first_name",
            "enrollment__learner__middle_name",
        )
    )
    return {
        "organization": settings.ORGANIZATION_NAME,
        "protocol": protocol,
        "group": protocol.group,
        "program": protocol.group.program,
        "module": protocol.module,
        "members": members,
        "results": results,
        "passed": sum(1 for r in results if r.is_passing),
    }


def render_protocol_pdf(protocol: Protocol) -> bytes:
    """The protocol's PDF. WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0)."""
    from weasyprint import HTML

    html = render_to_string("attestation/protocol_pdf.html", protocol_context(protocol))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()

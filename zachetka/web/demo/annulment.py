"""КК-2025-01's final protocol annulled after its certificates were handed out: an order finds
two learners' results swapped. The certificates become invalid, the learners return to the final
attestation, the replacement protocol is signed, and the certificates are issued again."""

import datetime as dt
from typing import Any

from zachetka.attestation import services as attestation
from zachetka.attestation.models import Protocol
from zachetka.documents import services as documents

CODE = "КК-2025-01"
REASON = "Приказ № 205-о от 08.12.2025: в протоколе перепутаны результаты двух слушателей"
HELD_ON, ISSUED_ON = dt.date(2025, 12, 10), dt.date(2025, 12, 12)


def tell(loader: Any) -> None:
    director, registrar = loader.director, loader.users["registrar"]
    annulled = Protocol.objects.get(group__code=CODE, kind=Protocol.Kind.FINAL, status=Protocol.Status.SIGNED)
    results = {
        r.enrollment_id: r.value for r in annulled.results.order_by("enrollment__learner__last_name", "pk")
    }
    documents.annul_final_protocol(by=director, protocol=annulled, reason=REASON)
    replacement = attestation.create_final_protocol(
        by=registrar,
        group=annulled.group,
        held_on=HELD_ON,
        form=annulled.final_form,
        commission=annulled.commission,
        scale=annulled.scale,
        replaces=annulled,
    )
    # The first two learners' results were swapped in the annulled protocol.
    ids = list(results)
    results[ids[0]], results[ids[1]] = results[ids[1]], results[ids[0]]
    attestation.set_results(
        by=registrar,
        protocol=replacement,
        entries=[attestation.ResultEntry(enrollment_id, value) for enrollment_id, value in results.items()],
    )
    members = list(replacement.members.select_related("user").order_by("pk"))
    attestation.set_attendance(by=registrar, protocol=replacement, present=[m.user_id for m in members])
    for member in sorted(members, key=lambda m: m.role == "chair"):
        replacement = attestation.sign_protocol(by=member.user, protocol=replacement)
    loader.completion_order(replacement, number="214-в")
    documents.issue_from_protocol(by=registrar, protocol=replacement, issued_on=ISSUED_ON)

"""A справка об обучении revoked: the expulsion it states was reworded by a later order (at the
learner's own request), so the administration revokes the справка and a new one is issued."""

import datetime as dt
from typing import Any

from zachetka.documents import services as documents
from zachetka.documents.models import Document
from zachetka.programs import services as programs

CODE = "ПК-2025-01"
NEW_REASON = "по собственному желанию (приказ № 214-к от 12.12.2025 об изменении приказа № 27-к)"
ISSUED_ON = dt.date(2025, 12, 15)


def tell(loader: Any) -> None:
    director, registrar = loader.director, loader.users["registrar"]
    certificate = Document.objects.select_related("enrollment").get(
        enrollment__group__code=CODE, kind=Document.Kind.STUDY_CERTIFICATE, state=Document.State.VALID
    )
    enrollment = certificate.enrollment
    programs.update_enrollment(
        by=director,
        enrollment=enrollment,
        expected_version=enrollment.version,
        reason="Приказ № 214-к от 12.12.2025 об изменении основания отчисления",
        expulsion_reason=NEW_REASON,
    )
    documents.revoke(
        by=director,
        document=certificate,
        reason="Основание отчисления изменено приказом № 214-к от 12.12.2025; справка выдана вновь",
    )
    documents.issue_study_certificate(by=registrar, enrollment=enrollment, issued_on=ISSUED_ON)

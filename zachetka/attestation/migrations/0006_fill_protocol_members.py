"""Seat the commission on every draft protocol drawn up before attendance was recorded.

A draft gets one row per member of its commission, none marked present (the registry marks
them before signing), except a chair or secretary who already signed it: a signature is given
only by someone present. Signed and annulled protocols keep no rows: who was present at their
sittings was never recorded, and their pages show the commission's composition as before.
"""

from django.db import migrations


def fill(apps, schema_editor):
    Protocol = apps.get_model("attestation", "Protocol")
    CommissionMember = apps.get_model("attestation", "CommissionMember")
    ProtocolMember = apps.get_model("attestation", "ProtocolMember")
    rows = []
    for protocol in Protocol.objects.filter(status="draft", commission__isnull=False).order_by("pk"):
        signed = {"chair": protocol.chair_signed_at, "secretary": protocol.secretary_signed_at}
        for seat in CommissionMember.objects.filter(commission_id=protocol.commission_id).order_by("pk"):
            signed_at = signed.get(seat.role)
            rows.append(
                ProtocolMember(
                    protocol_id=protocol.pk,
                    user_id=seat.user_id,
                    role=seat.role,
                    is_present=signed_at is not None,
                    signed_at=signed_at,
                )
            )
    ProtocolMember.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("attestation", "0005_protocol_members_and_qualification")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

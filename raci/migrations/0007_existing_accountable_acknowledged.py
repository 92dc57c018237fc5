"""Every Accountable assignment that exists at upgrade counts as acknowledged, so
upgrading asks nobody to acknowledge anything (raci.duties)."""

from django.db import migrations
from django.utils import timezone


def acknowledge_existing(apps, schema_editor):
    RaciAssignment = apps.get_model("raci", "RaciAssignment")
    Acknowledgement = apps.get_model("raci", "Acknowledgement")
    now = timezone.now()
    rows = RaciAssignment.objects.filter(role="A").values_list("step_id", "user_id")
    Acknowledgement.objects.bulk_create(
        [
            Acknowledgement(step_id=step_id, user_id=user_id, state="accepted", created_at=now, answered_at=now)
            for step_id, user_id in rows.iterator()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("raci", "0006_letters_that_act")]

    operations = [migrations.RunPython(acknowledge_existing, migrations.RunPython.noop)]

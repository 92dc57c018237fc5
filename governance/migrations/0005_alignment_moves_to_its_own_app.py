"""The alignment models now belong to the alignment app (alignment 0001 takes
them over). Only Django's record changes here; no table is touched."""

from django.db import migrations

MOVED = ["RoundSummary", "RoundAnswer", "RoundInvitation", "RoundDimension", "DimensionLevel", "AlignmentRound", "Dimension"]


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_round_summary"),
        ("alignment", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
            database_operations=[],
        ),
    ]

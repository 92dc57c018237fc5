from django.db import migrations, models


def compute_every_project(apps, schema_editor):
    """Fill the new figures of the projects that exist, with the same code as every later
    refresh (``projects.figures``), as 0002 did."""
    from projects import figures

    figures.refresh_all()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_liaisons"),
        ("raci", "0007_existing_accountable_acknowledged"),  # the figures read the RACI assignments
        ("alignment", "0003_round_summary_freezes_every_figure"),  # and the rounds' stored summaries
    ]

    operations = [
        migrations.AddField(
            model_name="projectfigures",
            name="alignment_level",
            field=models.FloatField(
                help_text="The overall level of its latest summarized alignment round, where the round shows it.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="projectfigures",
            name="alignment_gap",
            field=models.FloatField(
                help_text="That round's perception gap (Marketing's mean minus IT's), where the round shows it.",
                null=True,
            ),
        ),
        migrations.RunPython(compute_every_project, migrations.RunPython.noop),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_liaisons"),
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
    ]

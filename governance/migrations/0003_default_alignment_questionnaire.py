"""The default alignment questionnaire (alignment/defaults.py)."""

from django.db import migrations

from alignment.defaults import DIMENSIONS, ensure_default_questionnaire


def create_questionnaire(apps, schema_editor):
    ensure_default_questionnaire(apps.get_model("governance", "Dimension"), apps.get_model("governance", "DimensionLevel"))


def remove_questionnaire(apps, schema_editor):
    apps.get_model("governance", "Dimension").objects.filter(key__in=[d[0] for d in DIMENSIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_alignment")]

    operations = [migrations.RunPython(create_questionnaire, remove_questionnaire)]

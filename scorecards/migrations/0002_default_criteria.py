from django.db import migrations

from scorecards.defaults import DEFAULT_CRITERIA, ensure_default_criteria


def create(apps, schema_editor):
    ensure_default_criteria(apps.get_model("scorecards", "Criterion"))


def remove(apps, schema_editor):
    apps.get_model("scorecards", "Criterion").objects.filter(name__in=[d[1] for d in DEFAULT_CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]

from django.db import migrations

from intake.defaults import DEFAULT_CHECKS, ensure_default_checks


def create(apps, schema_editor):
    ensure_default_checks(apps.get_model("intake", "ReviewCheck"))


def remove(apps, schema_editor):
    apps.get_model("intake", "ReviewCheck").objects.filter(key__in=[c[0] for c in DEFAULT_CHECKS]).delete()


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_requests_timeline_and_it_reviews")]
    operations = [migrations.RunPython(create, remove)]

from django.db import migrations

from inventory.defaults import DEFAULT_CATEGORIES, ensure_default_categories


def create(apps, schema_editor):
    ensure_default_categories(apps.get_model("inventory", "ToolCategory"))


def remove(apps, schema_editor):
    apps.get_model("inventory", "ToolCategory").objects.filter(slug__in=[c[1] for c in DEFAULT_CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_tool_categories_and_tools")]
    operations = [migrations.RunPython(create, remove)]

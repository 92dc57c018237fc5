"""The moved tables take this app's names (governance_dimension → alignment_dimension…),
and the content types follow, so admin history and permissions keep pointing at them."""

from django.db import migrations

MODELS = ["dimension", "dimensionlevel", "alignmentround", "rounddimension", "roundinvitation", "roundanswer", "roundsummary"]


def move_content_types(apps, schema_editor, source="governance", target="alignment"):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if content_type.objects.using(db).filter(app_label=target, model=model).exists():
            continue
        content_type.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="alignment", target="governance")


class Migration(migrations.Migration):
    dependencies = [
        ("alignment", "0001_initial"),
        ("governance", "0005_alignment_moves_to_its_own_app"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        *[migrations.AlterModelTable(name=model, table=None) for model in MODELS],
        migrations.RunPython(move_content_types, move_content_types_back),
    ]

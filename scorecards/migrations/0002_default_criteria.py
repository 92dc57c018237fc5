from django.db import migrations

DEFAULTS = [
    ("it", "Security", "Protects customer and company data; passes the security review."),
    ("it", "Infrastructure", "Fits the hosting, networks and platforms IT runs."),
    ("it", "Data integrity", "Keeps data accurate, consistent and traceable."),
    ("it", "Standardization", "Follows the company's standards; no one-off technology."),
    ("it", "Cost", "Total cost of ownership: licences, integration, running costs."),
    ("marketing", "Customer experience", "Improves what customers see and feel."),
    ("marketing", "Integration", "Works with the marketing tools and channels in use."),
    ("marketing", "Actionable data", "Turns data into decisions marketers can act on."),
    ("marketing", "Scalability", "Grows with campaigns, audiences and markets."),
    ("marketing", "Ease of operation", "Marketers can run it day to day without IT tickets."),
]


def create(apps, schema_editor):
    Criterion = apps.get_model("scorecards", "Criterion")
    for position, (group, name, description) in enumerate(DEFAULTS):
        Criterion.objects.get_or_create(
            name=name, defaults={"group": group, "description": description, "position": position}
        )


def remove(apps, schema_editor):
    apps.get_model("scorecards", "Criterion").objects.filter(name__in=[d[1] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]

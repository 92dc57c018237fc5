from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """Requests for new tools and projects: the front door, IT review and approval."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"
    verbose_name = "Intake"

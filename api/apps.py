from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API under /api/v1/ and the personal API tokens that sign its callers in (docs/api.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from api import schema  # noqa: F401  (registers the token scheme with drf-spectacular)

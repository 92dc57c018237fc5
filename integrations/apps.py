from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Webhooks (signed JSON to a URL), Slack and Microsoft Teams: the domain events, sent out."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "integrations"
    verbose_name = "Webhooks and chat"

    def ready(self) -> None:
        from integrations import receivers

        receivers.connect()

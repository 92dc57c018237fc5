from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Helpers several apps share (exports, template tags); imports no Tandem app."""

    name = "common"
    verbose_name = "Shared helpers"

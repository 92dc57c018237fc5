from django.apps import AppConfig


class InventoryConfig(AppConfig):
    """The organization's stack: the tools in use, their categories, owners, costs and renewals."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "inventory"
    verbose_name = "Stack inventory"

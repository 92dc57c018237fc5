from django.apps import AppConfig


class InventoryConfig(AppConfig):
    """The organization's stack: the tools in use, their categories, owners, costs and renewals."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "inventory"
    verbose_name = "Stack inventory"

    def ready(self) -> None:
        from inventory import receivers
        from inventory.selectors import renewal_tile
        from projects.registry import register_tile

        receivers.connect()
        # The portfolio dashboard (projects.registry): renewals due within 90 days, after the built-in tiles.
        register_tile("inventory/_renewals_tile.html", order=50, context=renewal_tile)

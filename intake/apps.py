from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """Requests for new tools and projects: the front door, IT review and approval."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from intake.selectors import my_work_part, sidebar_part, tile_part
        from projects.registry import register_my_work, register_sidebar, register_tile

        # My work: requests waiting for the person (review, approval, or information they owe).
        register_my_work("intake/_my_work.html", order=20, context=my_work_part)
        # The portfolio dashboard: requests waiting for the viewer's review or approval.
        register_tile("intake/_tile.html", order=40, context=tile_part)
        # The project page: the request the project came from (first in the sidebar's registered cards).
        register_sidebar("intake/_project_sidebar.html", order=5, context=sidebar_part)

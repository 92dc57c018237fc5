from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    """The joint roadmap: projects by quarter, quick wins and strategic bets, the shared vision."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "roadmap"
    verbose_name = "Joint roadmap"

    def ready(self) -> None:
        from projects.registry import register_calendar
        from roadmap.selectors import launch_events

        # The personal calendar feed: launch dates of the projects the person owns or sponsors.
        register_calendar("roadmap", launch_events)

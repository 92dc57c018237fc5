from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The read side: pages that read several apps and write nothing."""

    name = "overview"
    verbose_name = "Overview pages"

    def ready(self) -> None:
        from projects.registry import register_tab

        # Project pages (projects.registry): the Overview tab first.
        register_tab("overview/_project_tab.html", order=10)

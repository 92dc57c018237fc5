from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The read side: pages that read several apps and write nothing."""

    name = "overview"
    verbose_name = "Overview pages"

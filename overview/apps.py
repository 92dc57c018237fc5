from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The read side: pages that read several apps and write nothing."""

    name = "overview"
    verbose_name = "Overview pages"

    def ready(self) -> None:
        from overview.portfolio import stored_figures
        from projects import figures
        from projects.registry import register_sidebar, register_tab
        from raci import going_alone

        # Project pages (projects.registry): the Overview tab first.
        register_tab("overview/_project_tab.html", order=10)
        # One side going it alone on steps 1–5 (raci.going_alone), near the top of the sidebar.
        register_sidebar("overview/_going_alone_card.html", order=12, context=going_alone.sidebar_card)
        # The portfolio's stored figures: what they are (computed here), kept current by projects.figures.
        figures.register(stored_figures)
        figures.connect()

from django.apps import AppConfig


class AlignmentConfig(AppConfig):
    name = "alignment"
    verbose_name = "Alignment self-assessments"

    def ready(self) -> None:
        from alignment import signals
        from projects.registry import register_sidebar, register_tab

        signals.connect()
        # Project pages (projects.registry): the Alignment tab after Scorecard, its card after the vendor card.
        register_tab("alignment/_project_tab.html", order=40)
        register_sidebar("alignment/_project_sidebar.html", order=30)

from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "scorecards"

    def ready(self) -> None:
        from projects.registry import register_sidebar, register_tab

        # Project pages (projects.registry): the Scorecard tab after RACI matrix, the vendor card after the RACI summary.
        register_tab("scorecards/_project_tab.html", order=30)
        register_sidebar("scorecards/_project_sidebar.html", order=20)

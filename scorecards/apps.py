from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "scorecards"

    def ready(self) -> None:
        from projects.registry import register_digest, register_my_work, register_sidebar, register_tab
        from scorecards import parts

        # Project pages (projects.registry): the Scorecard tab after RACI matrix, the vendor card after the RACI summary.
        register_tab("scorecards/_project_tab.html", order=30)
        register_sidebar("scorecards/_project_sidebar.html", order=20)
        # Vendor decisions both sponsors sign: the ones waiting for the viewer, on My work and in the digest.
        register_my_work("scorecards/_my_work_signatures.html", order=15, context=parts.my_work_part)
        register_digest(
            "scorecards/email/signatures_digest",
            order=15,
            context=parts.digest_part,
            recipients=parts.digest_recipients,
        )

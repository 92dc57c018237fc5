from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    """The steering committee: its members, meetings, agendas drawn from the portfolio, minutes and actions."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "committee"
    verbose_name = "Steering committee"

    def ready(self) -> None:
        from committee import selectors
        from projects.registry import register_calendar, register_digest, register_my_work

        # My work: the person's open committee actions (overdue first).
        register_my_work("committee/_my_work.html", order=25, context=selectors.my_work_part)
        # The personal calendar feed: committee meetings (members) and the person's open actions.
        register_calendar("committee", selectors.calendar_events)
        # The e-mail digest: open actions due within a week or overdue.
        register_digest(
            "committee/email/_digest", order=40, context=selectors.digest_part, recipients=selectors.digest_recipients
        )

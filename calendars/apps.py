from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "calendars"
    verbose_name = "Calendar feed"

    def ready(self) -> None:
        from calendars import selectors
        from projects.registry import register_calendar

        # The steps the person is Accountable or Responsible for, with a due date.
        register_calendar("steps", selectors.step_events)

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Organization"

    def ready(self):
        # Connects the receiver that stamps a session with its login time.
        from governance import security  # noqa: F401

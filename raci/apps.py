from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "raci"
    verbose_name = "RACI"

    def ready(self) -> None:
        from raci import services, tasks

        if tasks.enqueue_project_reminder not in services.accountable_removed_hooks:
            services.accountable_removed_hooks.append(tasks.enqueue_project_reminder)

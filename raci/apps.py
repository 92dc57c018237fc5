from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "raci"
    verbose_name = "RACI"

    def ready(self) -> None:
        from projects.registry import register_sidebar, register_tab
        from raci import services, tasks

        if tasks.enqueue_project_reminder not in services.accountable_removed_hooks:
            services.accountable_removed_hooks.append(tasks.enqueue_project_reminder)
        # Project pages (projects.registry): the RACI matrix tab after Overview; in the sidebar
        # the RACI summary first and the reminders sent last.
        register_tab("raci/_project_tab.html", order=20)
        register_sidebar("raci/_project_summary.html", order=10)
        register_sidebar("raci/_project_sidebar.html", order=40)  # the reminders sent

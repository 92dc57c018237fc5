from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "raci"
    verbose_name = "RACI"

    def ready(self) -> None:
        from governance.deactivation import user_deactivated
        from projects.registry import register_sidebar, register_tab
        from raci import framework, selectors, services, tasks

        # Deactivating someone lists the steps they leave unowned.
        user_deactivated.connect(selectors.steps_left_unowned, dispatch_uid="raci-steps-left-unowned")

        if tasks.enqueue_project_reminder not in services.accountable_removed_hooks:
            services.accountable_removed_hooks.append(tasks.enqueue_project_reminder)
        # Project pages (projects.registry): the RACI matrix tab after Overview; in the sidebar
        # the RACI summary first and the reminders sent last.
        register_tab("raci/_project_tab.html", order=20)
        register_sidebar("raci/_project_summary.html", order=10)
        register_sidebar("raci/_project_sidebar.html", order=40)  # the reminders sent
        # Where the project's matrix departs from the organization's framework, after the summary.
        register_sidebar("raci/_framework_sidebar.html", order=15, context=framework.sidebar_card)
        self._duties()

    @staticmethod
    def _duties() -> None:
        """The duties of the letters (raci.duties, docs/raci-duties.md)."""
        from projects import signals
        from projects.registry import register_digest, register_my_work, register_sidebar, register_tile
        from raci import duties

        signals.accountable_changed.connect(duties.on_accountable_changed, dispatch_uid="raci-duties-accountable")
        signals.step_status_changed.connect(duties.on_step_status_changed, dispatch_uid="raci-duties-status")
        register_sidebar("raci/_duties_sidebar.html", order=16, context=duties.sidebar_card)
        register_my_work("raci/_my_duties.html", order=12, context=duties.my_work_section)
        register_tile("raci/_tile_unacknowledged.html", order=30, context=duties.tile)
        register_digest(
            "raci/email/_acknowledgements",
            order=10,
            context=duties.digest_acknowledgements,
            recipients=duties.acknowledgement_recipients,
        )
        register_digest(
            "raci/email/_consultations",
            order=20,
            context=duties.digest_consultations,
            recipients=duties.consultation_recipients,
        )

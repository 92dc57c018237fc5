"""Run the reminder sweep without a worker: ``manage.py send_reminders [--dry-run]``."""

from django.core.management.base import BaseCommand

from raci.reminder_sweep import sweep


class Command(BaseCommand):
    help = "Remind people of steps with no accountable owner (the same sweep beat runs)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        result = sweep(trigger="command", dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        if result.held:
            self.stdout.write(
                self.style.WARNING(
                    f"Held: the run would e-mail {result.recipients} people, more than the limit. "
                    "Nothing was sent; an administrator can release it in admin (Reminder runs)."
                )
            )
            return
        self.stdout.write(f"{result.steps_found} step(s) need an accountable owner.")
        for digest in result.digests:
            steps = ", ".join(
                f"{item.step.project.name} step {item.step.number}{' (escalation)' if item.escalation else ''}"
                for item in digest.items
            )
            self.stdout.write(f"{verb} to {digest.recipient.display_name} <{digest.recipient.email}>: {steps}")
        if not result.steps_found:
            self.stdout.write("No step needs an accountable owner right now.")
        elif not result.digests:
            self.stdout.write("Nobody to remind: every reminder of this period has gone out already.")
        if result.failures:
            self.stdout.write(
                self.style.ERROR(
                    f"{result.failures} e-mail(s) failed or could not be recorded; the next run retries the ones "
                    "that did not start sending (admin → Reminders shows each one's last error)."
                )
            )

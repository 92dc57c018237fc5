"""``manage.py deactivate_user USERNAME...``: deactivate people and list the
steps each leaves without an Accountable person (``governance.deactivation``)."""

from django.core.management.base import BaseCommand, CommandError

from governance import deactivation
from governance.models import User


class Command(BaseCommand):
    help = "Deactivate people (they can no longer sign in or own a step) and list the steps that lose their owner."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+", help="who to deactivate")

    def handle(self, *args, usernames, **options):
        users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        unknown = [name for name in usernames if name not in users]
        if unknown:
            raise CommandError(f"No such person: {', '.join(unknown)}. Nobody was deactivated.")
        for name in dict.fromkeys(usernames):
            user = users[name]
            lines = deactivation.deactivate(user)
            self.stdout.write(f"{user.display_name} ({user.username}) is deactivated.")
            if lines:
                self.stdout.write(f"Steps that lose their Accountable person ({len(lines)}):")
                for line in lines:
                    self.stdout.write(f"  - {line}")
            else:
                self.stdout.write("No open step loses its Accountable person.")

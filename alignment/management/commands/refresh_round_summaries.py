"""Store the summaries (``RoundSummary``) of closed rounds: what the portfolio reads.

Rounds closed through the site, and their deletions, keep their summaries
current (``alignment.summaries``); rounds that close by time passing get theirs
from the beat task. This is the same repair on demand: after an upgrade, for a
database restored from a copy or edited by hand, or where beat does not run.
"""

from django.core.management.base import BaseCommand

from alignment import summaries
from alignment.models import AlignmentRound


class Command(BaseCommand):
    help = "Store the summary of every closed round that lacks a current one (--all: recompute every closed round's)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Recompute every closed round's summary, not only missing or stale ones."
        )

    def handle(self, *args, **options):
        if options["all"]:
            ids = list(AlignmentRound.objects.closed().order_by("pk").values_list("pk", flat=True))
            count = sum(summaries.store(ids[i : i + 200]) for i in range(0, len(ids), 200))
        else:
            count = summaries.store_missing()
        self.stdout.write(self.style.SUCCESS(f"Summaries stored for {count} closed round(s)."))

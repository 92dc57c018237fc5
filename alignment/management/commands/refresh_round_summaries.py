"""Store the summaries (``RoundSummary``) of closed rounds: what every results page reads.

Rounds closed through the site, and changes to closed rounds, store their
summaries (``alignment.summaries``); rounds that close by time passing get
theirs from the beat task. This is the same repair on demand: after an
upgrade, for a database restored from a copy or edited by hand, or where beat
does not run. A complete summary is never recomputed: a closed round's figures
are final (recomputing them after a respondent was deleted would disclose a
second set, and the difference between the two would be that person's answers).
"""

from django.core.management.base import BaseCommand

from alignment import summaries


class Command(BaseCommand):
    help = "Store the summary of every closed round that lacks a complete one (stored summaries are final)."

    def handle(self, *args, **options):
        count = summaries.store_missing()
        self.stdout.write(self.style.SUCCESS(f"Summaries stored for {count} closed round(s)."))

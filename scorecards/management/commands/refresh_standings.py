"""Recompute every candidate's stored standing (totals, rank, below-minimum criteria).

The services keep them current after every write; this is for a database
edited by hand, or restored from a copy, without going through them.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from scorecards.models import Scorecard
from scorecards.services import standings_refresh


class Command(BaseCommand):
    help = "Recompute the stored standings of every scorecard's candidates (what the portfolio reads)."

    def handle(self, *args, **options):
        count = 0
        for scorecard in Scorecard.objects.order_by("pk").iterator():
            with transaction.atomic():
                standings_refresh(scorecard)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"Standings recomputed for {count} scorecard(s)."))

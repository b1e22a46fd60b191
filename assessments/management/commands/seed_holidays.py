"""Seed the working-day calendar from the chinese-calendar package: `seed_holidays [--year 2026]`.

Without --year, every year the package knows from last year on. Rows already in the table (a
street's hand edits among them) are kept as they are.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments import workdays


class Command(BaseCommand):
    help = "Seed public holidays and extra working days (调休) from the chinese-calendar package."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="Year to seed (repeatable).")

    def handle(self, *args, year=None, **options):
        if year:
            years = year
        else:
            this_year = timezone.localdate().year
            years = [y for y in range(this_year - 1, this_year + 2) if workdays.package_knows(y)]
        for one in years:
            if not workdays.package_knows(one):
                raise CommandError(
                    f"The installed chinese-calendar does not know {one}; "
                    "enter its holidays by hand in the admin."
                )
            added = workdays.seed_year(one)
            self.stdout.write(f"{one}: {added} day(s) added.")

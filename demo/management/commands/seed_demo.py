"""`manage.py seed_demo [--scale N]`: the demo street (see the demo package). Development only."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from demo import seed as demo
from demo.tables import DEMO_PASSWORD, STREET_CODE

MAX_SCALE = 200


class Command(BaseCommand):
    help = (
        "Fill an empty database with a realistic demo street: 7 communities and 1,500 members per scale, "
        "posts, transfers (one awaiting acceptance) and the demo logins jiedao, shequ and dangyuan "
        "(password demo12345). "
        "Refused unless DEBUG is on; a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply the street: --scale 50 gives 350 communities and 75,000+ members (default 1).",
        )

    def handle(self, *args, scale: int, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo writes demo people and passwords; it runs only with DEBUG on, never in production."
            )
        if not 1 <= scale <= MAX_SCALE:
            raise CommandError(f"--scale must be a whole number from 1 to {MAX_SCALE}, got {scale}.")
        if demo.already_seeded():
            self.stdout.write(f"Demo data already present (street {STREET_CODE}); nothing changed.")
            return
        self.stdout.write(f"Seeding the demo street at scale {scale}...")
        try:
            result = demo.seed(scale, log=self.stdout.write)
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc
        if connection.vendor == "postgresql":
            # After a bulk load the planner still thinks the tables are empty and picks slow plans.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        figures = ", ".join(f"{count} {name}" for name, count in result.figures)
        self.stdout.write(self.style.SUCCESS(f"Seeded in {result.seconds:.1f} s: {figures}."))
        self.stdout.write(
            f"Demo logins (password {DEMO_PASSWORD}): jiedao (street secretary), "
            "shequ (community secretary), dangyuan (party member), zhiyuanzhe (registered volunteer), "
            "dy01-dy08 (party members signed up for volunteer service), "
            "fangdong, fangdong2 (landlords of rented housing in SQ01, SQ02)."
        )

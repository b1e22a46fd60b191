"""One periodic task for every reminder of the assessment, stored for django-celery-beat.

`assessments.tasks.send_reminders`, hourly, sends the rating reminders (until now the row of
0004, which this replaces) and the secretaries' and the committee's. Each person is told at most
once per cause whatever runs, so running this again or running both tasks changes nothing.
"""

from django.db import migrations

from core.beat import BeatRow

SCHEDULE = BeatRow(
    name="assessments: send reminders",
    task="assessments.tasks.send_reminders",
    every=1,
    period="hours",
    description="Assessment reminders, each person once per cause: members to rate, "
    "secretaries' missing reflection and yearly report, committee members' unscored secretaries.",
)
# 0004's row, which this replaces (and puts back when unapplied).
OLD_SCHEDULE = BeatRow(
    name="assessments: remind members to rate",
    task="assessments.tasks.remind_raters",
    every=1,
    period="hours",
    description="Remind members who have not rated, once per member and cycle, while rating is open.",
)


def create_schedule(apps, schema_editor):
    SCHEDULE.ensure(apps, notify_always=True)
    OLD_SCHEDULE.remove(apps)


def remove_schedule(apps, schema_editor):
    SCHEDULE.remove(apps)
    OLD_SCHEDULE.ensure(apps, notify_always=True)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_ratings"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]

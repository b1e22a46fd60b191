"""Settings of bench/reminders.py and its Celery worker: production settings (DEBUG off, so no
query log grows) with one run allowed to go on until the work is done."""

from portal.settings.production import *  # noqa: F403

VOLUNTEERS_REMINDER_RUN_SECONDS = 3600
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

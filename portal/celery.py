"""The one Celery app of the portal. Tasks live in each app's tasks.py."""

import os

from celery import Celery
from celery.signals import celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect(dispatch_uid="portal-load-jieba")
def load_word_dictionary(**kwargs) -> None:
    """`celery worker` (not beat, not the tests' in-process worker): load jieba's dictionary in the
    main process before the pool forks, so every child shares it and the first task that indexes a
    page does not wait for it."""
    from core.search.segment import load_dictionary

    load_dictionary()

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
application = get_wsgi_application()

# Only serving processes import this module (gunicorn's workers, runserver): load the Chinese
# word dictionary before the first request rather than in it. Synchronous on purpose: a worker
# accepts requests only once loaded, and no thread is running if a server forks after importing
# the application (gunicorn --preload), which would leave the children a held jieba lock.
from core.search.segment import load_dictionary  # noqa: E402

load_dictionary()

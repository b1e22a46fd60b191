"""Laptop settings: DEBUG on, development-only keys allowed."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

DEBUG = env.env_bool("DEBUG", True)
if DEBUG:
    # Development-only defaults; production.py refuses to start without real ones.
    SECRET_KEY = env.SECRET_KEY or "dev-only-insecure-secret-key-do-not-use-in-production"
    FIELD_ENCRYPTION_KEY = env.FIELD_ENCRYPTION_KEY or "dev-only-field-encryption-key"
    EMAIL_BACKEND = env.EMAIL_BACKEND or "django.core.mail.backends.console.EmailBackend"
else:
    SECRET_KEY = env.env_required("SECRET_KEY")
    FIELD_ENCRYPTION_KEY = env.env_required("FIELD_ENCRYPTION_KEY")

"""Settings of the separate worker process the reminder kill test starts and SIGKILLs.

The test settings (same broker: the filesystem transport under PORTAL_VAR_DIR, or REDIS_URL),
pointed at the test database the test process uses (its name comes in KILL_TEST_DB_NAME: a
file on SQLite, test_<db> on PostgreSQL), and slowed per reminder so the kill lands mid-batch.
"""

import os

from portal.settings.test import *  # noqa: F403
from portal.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["KILL_TEST_DB_NAME"]
VOLUNTEERS_REMINDER_ITEM_DELAY = float(os.environ.get("KILL_TEST_ITEM_DELAY", "0.02"))
VOLUNTEERS_REMINDER_BATCH = 100

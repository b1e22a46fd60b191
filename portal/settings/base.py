"""Settings shared by every environment. Values come from portal.settings.env only."""

from __future__ import annotations

import datetime as dt

import dj_database_url
from django.utils.translation import gettext_lazy as _

from . import env

BASE_DIR = env.BASE_DIR
VAR_DIR = env.VAR_DIR
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.DEBUG
SECRET_KEY = env.SECRET_KEY
FIELD_ENCRYPTION_KEY = env.FIELD_ENCRYPTION_KEY
ALLOWED_HOSTS = env.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS

INSTALLED_APPS = [
    "portal",
    "orgchart",
    "demo",
    "inbox",
    "activities",
    "volunteers",
    "assessments",
    "cobuilding",
    "residents",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_celery_beat",
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, locale, CSRF and auth: a cached anonymous page skips them all.
    "portal.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "portal.middleware.PersonalDataNoStoreMiddleware",
    # Last: turns a locked-out sign-in into the lockout answer (portal.auth.locked_out).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Connections persist (per process and thread) for a minute: opening one per request was the
# largest fixed cost of every page (on SQLite: open the file, run the PRAGMAs, and on close the last
# connection checkpoints and deletes the WAL). Health checks drop a broken connection before use.
DATABASES = {"default": dj_database_url.parse(env.DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web, worker and beat processes read while one of them writes. The PRAGMAs run
    # once per connection, so once a minute per process now, not on every request.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in of a locked-out user name / address before a password is tried.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, refusing members who left the street (access.login_allowed).
    "orgchart.backends.MemberModelBackend",
    "orgchart.backends.PostHolderBackend",
]
WAGTAILADMIN_USER_LOGIN_FORM = "portal.auth.AdminLoginForm"

# Brute force (django-axes): the login page, the Wagtail admin login and /api/token/ lock a user
# name from one address after LOGIN_FAILURE_LIMIT wrong passwords, for LOGIN_LOCKOUT_MINUTES;
# the right password is refused meanwhile. A success clears the count.
AXES_FAILURE_LIMIT = env.LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.auth.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
# The portal speaks Chinese whatever the browser asks for; English exists only as source strings.
LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# The cache holds subtree statistics, anonymous visitors' pages and sessions, each invalidated by
# a version stamp that the web, worker and beat processes must all see: so it is shared between
# processes — Redis when REDIS_URL is set, else files under var/cache/ (a per-process locmem cache
# would never hear of a roster import the worker ran).
if env.REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env.REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Anonymous visitors' pages are served from the cache for at most this long (0: off); publishing,
# unpublishing and a notice's expiry end them sooner (portal.pagecache).
PORTAL_PAGE_CACHE_SECONDS = env.PORTAL_PAGE_CACHE_SECONDS
# Sessions read from the cache, written through to the database: no session query per request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Celery: Redis when REDIS_URL is set, else Kombu's filesystem transport under var/ so web,
# worker and beat run as separate processes with nothing installed. The database, not the
# broker, holds the state of long work; periodic sweeps re-queue what stalled.
BROKER_DIR = VAR_DIR / "broker"
if env.REDIS_URL:
    CELERY_BROKER_URL = env.REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    for sub in ("out", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 660
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"

EMAIL_HOST = env.EMAIL_URL_HOST
EMAIL_PORT = env.EMAIL_PORT
EMAIL_HOST_USER = env.EMAIL_HOST_USER
EMAIL_HOST_PASSWORD = env.EMAIL_HOST_PASSWORD
EMAIL_USE_TLS = env.EMAIL_USE_TLS
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
SERVER_EMAIL = env.DEFAULT_FROM_EMAIL
if env.EMAIL_BACKEND:
    EMAIL_BACKEND = env.EMAIL_BACKEND

WAGTAIL_SITE_NAME = _("Community party-building portal")
WAGTAILADMIN_BASE_URL = env.WAGTAILADMIN_BASE_URL
WAGTAIL_I18N_ENABLED = False
# The access rule core's admin policies ask (core imports no app): see core/admin/policies.py.
PORTAL_ACCESS_RULE = "orgchart.access"

# Wagtail's database search with Chinese segmented by jieba (core/search/): SQLite FTS5 or
# PostgreSQL tsvector by the database in use.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "core.search.backend"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "zip"]
# Documents always go through Wagtail's serve view, whose hook checks who may read them.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "portal.forms.DocumentForm"
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# Attachments of assessment submissions (assessments/attachments.py).
ASSESSMENTS_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "orgchart.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON nested deeper than core.parsers.MAX_DEPTH is a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min", "token": "10/min"},
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Community party-building portal API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The project's own API only: Wagtail's admin API under /admin/api/ is not ours to document.
    "PREPROCESSING_HOOKS": ["core.api.project_endpoints_only"],
    # Two choice sets share the field name "kind"; name each enum after its model choices.
    "ENUM_NAME_OVERRIDES": {
        "ResidentCategoryEnum": "residents.models.Category",
        "MemberCategoryEnum": "orgchart.models.MemberCategory",
        "OrgKindEnum": "orgchart.models.OrgKind",
        "TransferKindEnum": "orgchart.models.TransferKind",
        "SignUpStatusEnum": "volunteers.models.SignUpStatus",
        "TransferStatusEnum": "orgchart.models.TransferStatus",
        "ActivityKindEnum": "activities.models.ActivityKind",
        "AssessmentPhaseEnum": "assessments.models.Phase",
        "IndicatorTypeEnum": "assessments.models.IndicatorType",
        "IndicatorSourceEnum": "assessments.models.IndicatorSource",
        "AssessmentBandEnum": "assessments.models.Band",
        "ResourceKindEnum": "cobuilding.models.ResourceKind",
        "AgreementStatusEnum": "cobuilding.models.AgreementStatus",
        "NeedStatusEnum": "cobuilding.models.NeedStatus",
        "CobuildingProjectStatusEnum": "cobuilding.models.ProjectStatus",
        "HelpStatusEnum": "residents.models_help.HelpStatus",
        "HelpStepKindEnum": "residents.models_help.StepKind",
        "HelpChannelEnum": "residents.models_help.HelpChannel",
    },
}

# API tokens expire this many days after they were issued (orgchart.authentication).
API_TOKEN_DAYS = env.API_TOKEN_DAYS

# Content Security Policy (django-csp 4). No inline scripts on the portal's pages; the Wagtail
# admin, whose widgets write inline scripts, also allows those (portal.middleware). Inline styles
# (style attributes in the admin and the charts) and data: images are allowed everywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "worker-src": ["'self'", "blob:"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

# Members rosters bigger than this run as a Celery task with progress shown.
IMPORT_INLINE_MAX_ROWS = env.IMPORT_INLINE_MAX_ROWS

# Notification fan-outs: people per batch (one insert, one e-mail round per batch), and how long
# one task runs before it hands the rest to a fresh task (keeps each under the time limits).
INBOX_BATCH_SIZE = 200
INBOX_RUN_SECONDS = 240

# Volunteer service: how many hours a person offered a freed place has to confirm it (never past
# the activity's start); the sweep `volunteers.tasks.expire_offers` passes it on after that.
VOLUNTEERS_OFFER_HOURS = env.VOLUNTEERS_OFFER_HOURS

# Migrant residents: a deregistered record keeps its personal fields this many days after the
# departure date; the beat task `residents.tasks.purge_departed_residents` then clears them,
# keeping the row (community, category, dates) for the figures.
RESIDENTS_RETENTION_DAYS = env.RESIDENTS_RETENTION_DAYS

# Recurring series: occurrences are generated this many weeks ahead (the beat task
# `activities.tasks.generate_series_occurrences`); a rule giving more than the maximum within
# that horizon is refused (a daily rule over 8 weeks gives 56).
ACTIVITIES_SERIES_HORIZON_WEEKS = 8
ACTIVITIES_SERIES_MAX_OCCURRENCES = 500

# Reminders (volunteers.reminders): hours before the start, per activity kind unless a
# ReminderPolicy row in the admin says otherwise; claims per batch; how long a claim stays a
# live worker's before the sweep takes it over; how long one task run goes on before it leaves
# the rest to the next beat; a pause per reminder (0; the kill test slows the worker with it);
# how long a "cannot come" link stays valid.
VOLUNTEERS_REMINDER_HOURS = (24, 1)
# Volunteer self-registration: attempts per client address and hour (core.ratelimit); a
# registration drive at a community centre shares one address, hence not lower.
VOLUNTEERS_REGISTRATIONS_PER_HOUR = 60
VOLUNTEERS_REMINDER_BATCH = 500
VOLUNTEERS_REMINDER_LEASE_SECONDS = 300
VOLUNTEERS_REMINDER_RUN_SECONDS = 240
VOLUNTEERS_REMINDER_ITEM_DELAY = 0.0
VOLUNTEERS_CANNOT_COME_MAX_AGE_HOURS = 15 * 24  # longer than the farthest reminder (two weeks)

# Assessment reminders (assessments.reminders, beat task send_reminders, hourly): secretaries
# hear of a missing monthly reflection from this day of the month, of a missing yearly report or
# paper this many days before rating starts; the committee's last call comes this many days
# before 公示 (scores freeze then); scheduled runs send only between these local hours [from, to).
ASSESSMENTS_REFLECTION_REMINDER_DAY = 20
ASSESSMENTS_REPORT_REMINDER_DAYS = 30
ASSESSMENTS_COMMITTEE_LAST_CALL_DAYS = 3
ASSESSMENTS_REMINDER_HOURS = (9, 20)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

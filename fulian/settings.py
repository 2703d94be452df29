"""Settings for Fulian, read from the environment.

FULIAN_ENV is one of ``development`` (default), ``test`` or ``production``.
Development generates its secret key and personal-data keys into ``var/`` on first
use; production refuses to start without them.
"""

import datetime
import json
import secrets
import zoneinfo
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

FULIAN_ENV = env.str("FULIAN_ENV", default="development")
if FULIAN_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"FULIAN_ENV must be development, test or production, not {FULIAN_ENV!r}"
    )
PRODUCTION = FULIAN_ENV == "production"


def _dev_secret(name: str, make: str) -> str:
    """A development-only secret kept in an ignored file under var/."""
    VAR_DIR.mkdir(exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(make)
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    PD_KEYS_JSON = env.str("FULIAN_PD_KEYS", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Production needs SECRET_KEY (50 characters or more).")
    if not PD_KEYS_JSON:
        raise ImproperlyConfigured("Production needs FULIAN_PD_KEYS (personal-data keys).")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _dev_secret(
        "secret_key", secrets.token_urlsafe(64)
    )
    PD_KEYS_JSON = env.str("FULIAN_PD_KEYS", default="") or _dev_secret(
        "pd_keys.json",
        json.dumps(
            {
                "current": "k1",
                "keys": {"k1": secrets.token_hex(16)},
                "index_key": secrets.token_hex(32),
            }
        ),
    )

# Personal-data keys: {"current": id, "keys": {id: 32 hex digits}, "index_key": 64 hex digits}.
try:
    FULIAN_PD_KEYS = json.loads(PD_KEYS_JSON)
    _ = FULIAN_PD_KEYS["keys"][FULIAN_PD_KEYS["current"]], FULIAN_PD_KEYS["index_key"]
except (ValueError, KeyError, TypeError) as exc:
    raise ImproperlyConfigured(
        'FULIAN_PD_KEYS must be JSON: {"current": ID, "keys": {ID: HEX}, "index_key": HEX}'
    ) from exc

DEBUG = env.bool("DEBUG", default=FULIAN_ENV == "development")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "rules.apps.AutodiscoverRulesConfig",
    # Before auditlog: its `auditlogflush` refuses to delete the audit trail.
    "fulian.core.auditlog_guard",
    "auditlog",
    "axes",
    "csp",
    "django_htmx",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "django_tasks",
    "django_tasks_db",
    # Fulian, in dependency order: load_demo runs each app's demo.py in this order.
    "fulian.core",
    "fulian.orgs",
    "fulian.accounts",
    "fulian.people",
    "fulian.events",
    "fulian.building",
    "fulian.venues",
    "fulian.duty",
    "fulian.cases",
    "fulian.reports",
    "fulian.notices",
    "fulian.api",
]

MIDDLEWARE = [
    # Metrics (django-prometheus) wrap everything; then the request id and the request log.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "fulian.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fulian.accounts.middleware.SessionLifetimeMiddleware",
    "fulian.accounts.middleware.TwoFactorRequiredMiddleware",
    "fulian.core.middleware.DenyByDefaultMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "fulian.core.middleware.SavedMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fulian.core.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "fulian.urls"
WSGI_APPLICATION = "fulian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fulian.core.context_processors.shell",
            ],
            "builtins": [
                "fulian.core.templatetags.fulian",
                "template_partials.templatetags.partials",
            ],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE avoids lock upgrades failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
        }
    )
    # Tests keep SQLite in memory. pytest-django (under xdist) recognises SQLite only by
    # Django's own engine name, which the metrics wrapper below replaces: say it here, or each
    # worker would look for a file named "test_<path>_gw0".
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")
else:
    # Reuse a connection across requests (a new PostgreSQL connection per request doubled the
    # floor of a bare page: 24.8 → 13.2 ms), in production; checked before reuse. With pgbouncer in
    # transaction mode set CONN_MAX_AGE=0 (docs/deployment.md).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# django-prometheus' wrappers of the same backends count queries, errors and their duration.
DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
    "django.db.backends.", "django_prometheus.db.backends."
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default; production names Redis (CACHE_URL=redis://…) so that rate limits
# are shared by all workers (the deploy check fulian.E001 refuses a process-local cache).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# The reverse proxies in front of Fulian (addresses or networks, e.g. 127.0.0.1 for the
# documented nginx): only a request from one of them may name the client in
# X-Forwarded-For. One function reads it for audit, access log and rate limits
# (fulian.core.http.client_ip).
FULIAN_TRUSTED_PROXIES = env.list("FULIAN_TRUSTED_PROXIES", default=[])

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "fulian.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "fulian.accounts.validators.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout: 5 failures lock the account for 30 minutes (MLPS level 3).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "fulian.core.http.client_ip"
# Beside the per-account lockout: (failures, seconds) one client address may have before
# its login attempts are refused for the rest of the window.
FULIAN_LOGIN_FAILURES_PER_ADDRESS = (
    env.int("FULIAN_LOGIN_FAILURES_PER_ADDRESS", default=20),
    15 * 60,
)
# Two-factor authentication (TOTP) is open to everyone and required of these roles.
FULIAN_TOTP_REQUIRED_ROLES = env.list(
    "FULIAN_TOTP_REQUIRED_ROLES", default=["district_admin"] if PRODUCTION else []
)
AXES_LOCKOUT_CALLABLE = "fulian.accounts.views.lockout_response"
# The lock runs 30 minutes from the fifth failure; attempts while locked do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# The account is what locks (DESIGN.md): many users share an office's IP address, so an
# IP-based lock would shut out a whole town hall after one user's mistakes.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions: idle timeout 30 minutes (renewed on each request), absolute 12 hours.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
FULIAN_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "fulian_language"

STATIC_URL = "static/"
# Vendored front-end packages (scripts/vendor_assets.py); each app's own files are in its static/.
STATICFILES_DIRS = [BASE_DIR / "fulian" / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A request body without its files (forms, JSON): no form or API field needs more.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Content Security Policy: no inline script or style; scripts carry the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:", *env.list("FULIAN_MAP_TILE_ORIGINS", default=[])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": ["'none'"],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# API tokens (django-rest-knox): stored hashed, one per login, idle for 30 minutes at most
# and 12 hours in all, like a session.
REST_KNOX = {
    "TOKEN_TTL": timedelta(minutes=env.int("FULIAN_TOKEN_IDLE_MINUTES", default=30)),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(hours=12),
    "MIN_REFRESH_INTERVAL": 60,
    "AUTH_HEADER_PREFIX": "Token",
}
FULIAN_MAX_TOKENS_PER_USER = 10
# Exact searches by ID number or phone (a reveal): (searches, seconds) per user.
FULIAN_EXACT_SEARCH_RATE = (env.int("FULIAN_EXACT_SEARCH_PER_HOUR", default=30), 3600)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fulian.api.authentication.AuditedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["fulian.api.permissions.ScopedRolePermission"],
    "DEFAULT_PAGINATION_CLASS": "fulian.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["fulian.api.filters.ScopedFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "fulian.api.parsers.BoundedJSONParser",
        "fulian.api.parsers.BoundedFormParser",
        "fulian.api.parsers.CheckedMultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Public endpoints (the venue directory) are throttled per address.
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("FULIAN_PUBLIC_API_RATE", default="120/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fulian API",
    "DESCRIPTION": "婦聯基層工作平台 REST API. Every collection is scoped to the caller's subtree.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema and its docs need a login in production.
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated"
        if env.bool("FULIAN_SCHEMA_LOGIN", default=PRODUCTION)
        else "rest_framework.permissions.AllowAny"
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, so clients get stable enum names.
    "ENUM_NAME_OVERRIDES": {
        "OrgStatusEnum": "fulian.orgs.models.OrgStatus",
        "UnitStatusEnum": "fulian.building.models.UnitStatus",
        "UrgingMethodEnum": "fulian.building.models.UrgingMethod",
        "ItemStatusEnum": "fulian.building.models.ItemStatus",
        "TrainingMethodEnum": "fulian.events.models.TrainingMethod",
        "AttendanceStatusEnum": "fulian.events.models.AttendanceStatus",
        "EnrolmentStatusEnum": "fulian.events.models.EnrolmentStatus",
        "ElectionStatusEnum": "fulian.people.models.ElectionStatus",
        "VenueTypeEnum": "fulian.venues.models.VenueType",
        "VenueStatusEnum": "fulian.venues.models.VenueStatus",
        "HelpRequestStatusEnum": "fulian.cases.models.RequestStatus",
        "CaseStatusEnum": "fulian.cases.models.CaseStatus",
        "CaseOutcomeEnum": "fulian.cases.models.Outcome",
        "ReferralStatusEnum": "fulian.cases.models.ReferralStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "fulian.api.schema.add_error_responses",
    ],
}

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# The year pages and reports show unless the user picks another (the demo data is of 2023).
# The year pages open on (core.periods.default_year); the clock year in the federation's zone.
FULIAN_DEFAULT_YEAR = env.int(
    "FULIAN_DEFAULT_YEAR",
    default=datetime.datetime.now(zoneinfo.ZoneInfo(TIME_ZONE)).year,
)
# QR check-in: the link opens this long before a session, stays valid this long after its end,
# and an arrival this late after the start is flagged.
FULIAN_CHECKIN_OPENS_MINUTES = env.int("FULIAN_CHECKIN_OPENS_MINUTES", default=120)
FULIAN_CHECKIN_GRACE_MINUTES = env.int("FULIAN_CHECKIN_GRACE_MINUTES", default=30)
FULIAN_CHECKIN_LATE_MINUTES = env.int("FULIAN_CHECKIN_LATE_MINUTES", default=10)
# A women's federation committee's term (《中华全国妇女联合会章程》: five years).
FULIAN_COMMITTEE_TERM_YEARS = env.int("FULIAN_COMMITTEE_TERM_YEARS", default=5)
# Mediation cases: follow-up visits this many months after the outcome; days a referral's
# receiving body has to answer before a reminder; tracking-code tries per address per 10 min.
FULIAN_CASE_FOLLOW_UPS = tuple(env.list("FULIAN_CASE_FOLLOW_UPS", cast=int, default=[1, 3, 6]))
FULIAN_REFERRAL_DAYS = env.int("FULIAN_REFERRAL_DAYS", default=10)
FULIAN_CASES_STATUS_LIMIT = env.int("FULIAN_CASES_STATUS_LIMIT", default=20)
# Where the bundled NBS division data lives (see docs/data-sources.md).
FULIAN_DIVISIONS_DIR = BASE_DIR / "fulian" / "orgs" / "data"
# Map tiles come from the intranet's own tile service; none means markers on a plain background.
FULIAN_MAP_TILE_URL = env.str("FULIAN_MAP_TILE_URL", default="")

# The audit and access logs are kept at least 180 days (MLPS level 3); `prune_audit` archives
# older entries into FULIAN_AUDIT_ARCHIVE_DIR before removing them (core/audit_chain.py).
FULIAN_AUDIT_RETENTION_DAYS = env.int("FULIAN_AUDIT_RETENTION_DAYS", default=180)
if FULIAN_AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured(
        f"FULIAN_AUDIT_RETENTION_DAYS={FULIAN_AUDIT_RETENTION_DAYS}: audit logs are kept at "
        "least 180 days"
    )
FULIAN_AUDIT_ARCHIVE_DIR = env.path("FULIAN_AUDIT_ARCHIVE_DIR", default=VAR_DIR / "audit-archive")

# Health, readiness and metrics (core/health.py, core/observability.py).
# A query slower than this is logged (without its parameters) and counted.
FULIAN_SLOW_QUERY_MS = env.float("FULIAN_SLOW_QUERY_MS", default=500)
# /metrics answers these addresses when reached directly (not through the reverse proxy) …
FULIAN_METRICS_ALLOWED_IPS = env.list("FULIAN_METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
# … and anyone sending "Authorization: Bearer <token>" when a token is set.
FULIAN_METRICS_TOKEN = env.str("FULIAN_METRICS_TOKEN", default="")

# Logs go to stderr, one JSON object per line with the request id (FULIAN_LOG_FORMAT=text for
# plain lines); one "fulian.request" line per request (FULIAN_REQUEST_LOG=false to silence).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # ID numbers and phones never reach a log line, whatever logged them (a URL, an error).
    "filters": {
        "request_id": {"()": "fulian.core.observability.RequestIdFilter"},
        "personal_data": {"()": "fulian.core.logs.ScrubPersonalData"},
    },
    "formatters": {
        "json": {"()": "fulian.core.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "personal_data"],
            "formatter": env.str("FULIAN_LOG_FORMAT", default="json"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "fulian.request": {
            "level": "INFO" if env.bool("FULIAN_REQUEST_LOG", default=True) else "WARNING"
        },
        "fulian.db": {"level": "WARNING"},
    },
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Probes and the metrics collector reach the server directly over HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Background jobs (the year-end summary): django-tasks with its database backend, so no
# extra server is needed; ``manage.py db_worker`` runs them (``make run`` starts one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

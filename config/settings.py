"""Zachetka settings: development defaults, production values from environment variables.

Every variable is listed in `.env.example`. With DJANGO_DEBUG unset (production), a missing
secret key or host list is a configuration error rather than a silent insecure default.
"""

import ipaddress
import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} must be set in production.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str | None = None) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "huey.contrib.djhuey",
    "zachetka.core",
    "zachetka.organization",
    "zachetka.people",
    "zachetka.programs",
    "zachetka.gradebook",
    "zachetka.lms",
    "zachetka.attestation",
    "zachetka.documents",
    "zachetka.blanks",
    "zachetka.achievements",
    "zachetka.cards",
    "zachetka.archive",
    "zachetka.accesslog",
    "zachetka.jobs",
    "zachetka.paper",
    "zachetka.privacy",
    "zachetka.cabinet",
    "zachetka.staff",
    "zachetka.web",
    "zachetka.api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy, Permissions-Policy, and no caching of pages with personal data.
    "zachetka.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zachetka.core.middleware.RequestContextMiddleware",
    # One row per response that showed learners' data: who opened it and when (accesslog).
    "zachetka.accesslog.middleware.AccessLogMiddleware",
    # django-axes must come last: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves collected static files itself; the dev server does it in DEBUG.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "zachetka.core.backends.RoleBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The organisation's own document templates (documents/pdf/<kind>.html) come first.
        "DIRS": [*env_list("ZACHETKA_TEMPLATE_OVERRIDES", ""), BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zachetka.core.context_processors.navigation",
                "zachetka.organization.context_processors.requisites",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # A persistent connection the database dropped (a restart, a failover) is noticed at the
        # start of the next request and reopened, instead of costing that request a 500.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and a management command share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

# --- What app servers share (README «Two or more app servers»). Nothing that must be seen by
# every request lives in one process or on one machine's disk: sessions, log-in lock-outs, the
# password-reset allowance and the verification throttle are rows in the database; the cache
# is the database or Redis; stored files and staged imports are a shared path or one bucket;
# background jobs are queued in Redis when there is more than one server.
# How many app servers serve the site: above 1, a store kept per machine is refused below.
APP_SERVERS = env_int("ZACHETKA_APP_SERVERS", 1)
# Stored files: "filesystem" (DJANGO_MEDIA_ROOT and ZACHETKA_IMPORT_STAGING_DIR, on a path every
# app server mounts) or "s3" (an S3-compatible bucket through django-storages; needs the `s3`
# extra, i.e. boto3). The credentials are boto3's own AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
STORAGE = env_str("ZACHETKA_STORAGE", "filesystem")
if STORAGE == "filesystem":
    _FILES = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _IMPORTS = {"BACKEND": "zachetka.core.storage.ImportStagingStorage"}
elif STORAGE == "s3":
    _S3_OPTIONS = {
        "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
        "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", "") or None,
        # Private objects: a download is a link signed for a few minutes, or read by a view.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        # A stored document is never replaced by a later file of the same name.
        "file_overwrite": False,
    }
    _FILES = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _S3_OPTIONS | {"location": "media"}}
    _IMPORTS = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _S3_OPTIONS | {"location": "import-staging"},
    }
else:
    raise ImproperlyConfigured("ZACHETKA_STORAGE is «filesystem» or «s3».")
STORAGES = {
    "default": _FILES,
    # Uploaded import files between preview and confirmation (zachetka.core.storage).
    "imports": _IMPORTS,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Sessions are rows in the database (Django's default, stated): every server sees a log-in.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Django's cache (rate limits and throttles that use it): "db" (the table core.CacheEntry,
# created by migrate), "redis" (ZACHETKA_CACHE_URL, by default ZACHETKA_REDIS_URL) or, for
# development only, "locmem" (one per process: several gunicorn workers would not share it).
CACHE = env_str("ZACHETKA_CACHE", "locmem" if DEBUG else "db")
if CACHE == "db":
    _CACHE = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "zachetka_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
elif CACHE == "redis":
    _CACHE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("ZACHETKA_CACHE_URL", env_str("ZACHETKA_REDIS_URL", "redis://127.0.0.1:6379/1")),
    }
elif CACHE == "locmem" and DEBUG:
    _CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
else:
    raise ImproperlyConfigured(
        "ZACHETKA_CACHE is «db» or «redis» (and «locmem» in development only): "
        "gunicorn's workers and several app servers must share one cache."
    )
CACHES = {"default": _CACHE | {"KEY_PREFIX": "zachetka", "TIMEOUT": 300}}

# Uploaded import files wait here between preview and commit; one left unconfirmed is deleted
# after this many hours (at the next upload, and by `manage.py clean_import_staging`).
# Background jobs (zachetka.jobs) on Huey: a SQLite file for one machine and the demo (no service
# to install), Redis when there is more than one app server. Tests run jobs at once (conftest).
JOBS_QUEUE = env_str("ZACHETKA_JOBS_QUEUE", "sqlite")
if JOBS_QUEUE == "redis":
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "zachetka",
        "url": env_str("ZACHETKA_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "immediate": False,
        "consumer": {"workers": env_int("ZACHETKA_JOBS_WORKERS", 2), "worker_type": "thread"},
    }
elif JOBS_QUEUE == "sqlite":
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "zachetka",
        "filename": env_str("ZACHETKA_JOBS_SQLITE", str(BASE_DIR / "var" / "jobs-queue.sqlite3")),
        "immediate": False,
        "consumer": {"workers": env_int("ZACHETKA_JOBS_WORKERS", 2), "worker_type": "thread"},
    }
    Path(HUEY["filename"]).parent.mkdir(parents=True, exist_ok=True)
else:
    raise ImproperlyConfigured("ZACHETKA_JOBS_QUEUE is «sqlite» or «redis».")
if APP_SERVERS > 1:
    # Several app servers: refuse to start with a store each machine would keep for itself.
    _per_machine = [
        what
        for what, is_local in [
            ("DATABASE_URL is SQLite (use PostgreSQL)", DATABASES["default"]["ENGINE"].endswith("sqlite3")),
            ("ZACHETKA_JOBS_QUEUE=sqlite (use redis)", JOBS_QUEUE == "sqlite"),
            ("ZACHETKA_CACHE=locmem (use db or redis)", CACHE == "locmem"),
        ]
        if is_local
    ]
    if _per_machine:
        raise ImproperlyConfigured(
            f"ZACHETKA_APP_SERVERS={APP_SERVERS}, but each app server would keep its own: "
            + "; ".join(_per_machine)
            + "."
        )
# A finished job's file is kept this many days in «Мои задания»; a running job silent this long
# (its worker was killed) is marked failed.
JOBS_KEEP_DAYS = env_int("ZACHETKA_JOBS_KEEP_DAYS", 7)
JOBS_SILENT_SECONDS = env_int("ZACHETKA_JOBS_SILENT_SECONDS", 15 * 60)
# A running job's worker refreshes its heartbeat this often even while one step lasts minutes.
JOBS_HEARTBEAT_SECONDS = env_int("ZACHETKA_JOBS_HEARTBEAT_SECONDS", 60)

IMPORT_STAGING_DIR = Path(env_str("ZACHETKA_IMPORT_STAGING_DIR", str(BASE_DIR / "var" / "imports")))
IMPORT_STAGING_HOURS = env_int("ZACHETKA_IMPORT_STAGING_HOURS", 6)
IMPORT_MAX_UPLOAD_BYTES = env_int("ZACHETKA_IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# The largest sheet an import reads (rows with the header, columns), as declared or as used:
# readers lay a sheet out in memory as a full rectangle, so a bigger one is refused unread.
IMPORT_MAX_ROWS = env_int("ZACHETKA_IMPORT_MAX_ROWS", 20_000)
IMPORT_MAX_COLUMNS = env_int("ZACHETKA_IMPORT_MAX_COLUMNS", 60)
# A Moodle gradebook export has a column per grade item and display type (value, percentage,
# letter) beside a dozen profile columns: wider than a learner list, never longer than a course.
LMS_IMPORT_MAX_ROWS = env_int("ZACHETKA_LMS_IMPORT_MAX_ROWS", 5_000)
LMS_IMPORT_MAX_COLUMNS = env_int("ZACHETKA_LMS_IMPORT_MAX_COLUMNS", 400)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "zachetka@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The reverse proxies in front of the site (addresses or CIDR blocks, comma-separated). A
# request from one of them is attributed to the address it reports in X-Forwarded-For; empty:
# nobody is trusted and REMOTE_ADDR is the client (zachetka.core.clientip).
TRUSTED_PROXIES = env_list("ZACHETKA_TRUSTED_PROXIES", "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"ZACHETKA_TRUSTED_PROXIES: «{_proxy}» is neither an address nor a CIDR block."
        ) from _error

# Failed log-ins (zachetka.core.login_lockout). A user name is locked only together with the
# address the wrong passwords came from, so nobody can lock the director out from elsewhere;
# an address that fails on many user names (password spraying) is locked for all of them.
AXES_FAILURE_LIMIT = env_int("ZACHETKA_LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("ZACHETKA_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ZACHETKA_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = "zachetka.core.login_lockout.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "zachetka.core.clientip.axes_client_ip"
AXES_HANDLER = "zachetka.core.login_lockout.LoginFailureHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Failed log-ins are kept in axes' failure log (admin: «Access failures»), not in the permanent
# audit trail: the newest LOGIN_FAILURE_LOG_SIZE of them, at most ..._PER_USER per user name.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = env_int("ZACHETKA_LOGIN_FAILURE_LOG_PER_USER", 100)
LOGIN_FAILURE_LOG_SIZE = env_int("ZACHETKA_LOGIN_FAILURE_LOG_SIZE", 10000)

# Password-reset e-mails each address, and each e-mail address, may have sent per hour.
PASSWORD_RESETS_PER_HOUR = env_int("ZACHETKA_PASSWORD_RESETS_PER_HOUR", 3)

SESSION_COOKIE_AGE = env_int("ZACHETKA_SESSION_SECONDS", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}

PAGE_SIZE = 50

# The REST API for integrations (zachetka.api, docs/api.md): token authentication only (a
# token per integration, acting as its user), problem details for errors, OpenAPI by
# drf-spectacular with Swagger UI served from local files (drf-spectacular-sidecar).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["zachetka.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "zachetka.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "zachetka.api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "zachetka.api.problems.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Зачётки",
    "DESCRIPTION": "Слушатели, программы, группы, журнал, протоколы и документы для внешних систем.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProgramKindEnum": "zachetka.programs.models.Program.Kind",
        "AssessmentKindEnum": "zachetka.gradebook.models.Assessment.Kind",
        "ProtocolKindEnum": "zachetka.attestation.models.Protocol.Kind",
        "DocumentKindEnum": "zachetka.documents.models.Document.Kind",
        "EnrollmentStatusEnum": "zachetka.programs.models.Enrollment.Status",
        "ProtocolStatusEnum": "zachetka.attestation.models.Protocol.Status",
    },
}

# The organisation's full name seeded into its requisites (organization.Requisites) when the
# database is created; afterwards the administration edits the requisites on their page.
ORGANIZATION_NAME = env_str("ZACHETKA_ORGANIZATION_NAME", "АНО ДПО «Умный образовательный центр»")

# Days after an assessment's date within which its grades are to be entered (п. 7.1).
GRADE_ENTRY_DEADLINE_DAYS = env_int("ZACHETKA_GRADE_ENTRY_DEADLINE_DAYS", 3)
# A credit (зачёт) is pre-filled in the intermediate statement from a current result this high.
CREDIT_FROM_CURRENT_RESULT = env_int("ZACHETKA_CREDIT_FROM_CURRENT_RESULT", 60)
# Days given to clear an academic debt (within the year of 273-ФЗ art. 58 ч. 5).
ACADEMIC_DEBT_DAYS = env_int("ZACHETKA_ACADEMIC_DEBT_DAYS", 30)
# A commission's sitting is valid when more than this share of its members is present (0.5:
# more than half); the chair and the secretary must be among them.
try:
    COMMISSION_QUORUM = float(env_str("ZACHETKA_COMMISSION_QUORUM", "0.5"))
except ValueError:
    COMMISSION_QUORUM = -1.0
if not 0 <= COMMISSION_QUORUM < 1:
    raise ImproperlyConfigured(
        "ZACHETKA_COMMISSION_QUORUM is a share from 0 up to (not including) 1, e.g. 0.5."
    )
# The shortest programs of additional professional education, in hours (п. 18 of the Порядок
# approved by приказ Минобрнауки России от 24.03.2025 № 266): ПК 16, ПП 250.
MIN_HOURS_PK = env_int("ZACHETKA_MIN_HOURS_PK", 16)
MIN_HOURS_PP = env_int("ZACHETKA_MIN_HOURS_PP", 250)

# Issued documents: registration number format ({year}, {seq}), the public address the QR code
# on a document points to, and the days within which a document is reported to ФИС ФРДО.
DOCUMENT_REGISTRATION_FORMAT = env_str("ZACHETKA_DOCUMENT_REGISTRATION_FORMAT", "{year}-{seq:05d}")
_DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000" if DEBUG or not ALLOWED_HOSTS else f"https://{ALLOWED_HOSTS[0]}"
PUBLIC_URL = env_str("ZACHETKA_PUBLIC_URL", _DEFAULT_PUBLIC_URL).rstrip("/")
FRDO_REPORT_DAYS = env_int("ZACHETKA_FRDO_REPORT_DAYS", 30)
# Public verification: wrong guesses allowed from one address per window before it is slowed.
VERIFY_FREE_FAILURES = env_int("ZACHETKA_VERIFY_FREE_FAILURES", 5)
VERIFY_WINDOW_MINUTES = env_int("ZACHETKA_VERIFY_WINDOW_MINUTES", 15)
# Printing on pre-printed blanks: per document kind, each field's position on the page
# (millimetres from the top-left corner) and font size in points. Adjust to the blanks in use.
# A field is [left, top, font size] or [left, top, font size, width] (a width lets it wrap).
# A diploma's supplement (приложение) has its own page: its fields, and a table whose rows start
# at `top` and follow every `row` millimetres, columns at `columns` millimetres from `left`.
_SUPPLEMENT_LAYOUT = {
    "page": {"width": 210, "height": 297},
    "fields": {
        "registration_number": [120, 30, 11],
        "full_name": [25, 42, 12],
        "total_hours": [125, 230, 11],
        "final_form": [25, 240, 10, 95],
        "final_topic": [25, 247, 10, 95],
        "final_result": [145, 240, 10],
        "head_name": [130, 268, 11],
    },
    "table": {
        "left": 20,
        "top": 70,
        "row": 8,
        "size": 10,
        "columns": {"order": 0, "title": 8, "hours": 105, "result": 125},
        "title_width": 95,
    },
}
DOCUMENT_BLANK_LAYOUTS = {
    "default": {
        "page": {"width": 210, "height": 297},
        "fields": {
            "duplicate": [80, 40, 16],
            "registration_number": [30, 52, 11],
            "issued_on": [120, 52, 11],
            "full_name": [25, 110, 14],
            "program_title": [25, 140, 12, 160],
            "hours": [25, 170, 12],
            "studied": [25, 180, 11],
            "qualification": [25, 195, 12, 160],
            "qualification_grade": [25, 205, 12],
            "city": [25, 245, 11],
            "head_name": [130, 255, 11],
            "secretary_name": [130, 268, 11],
        },
        "supplement": _SUPPLEMENT_LAYOUT,
    },
}
DOCUMENT_BLANK_LAYOUTS |= json.loads(env_str("ZACHETKA_DOCUMENT_BLANK_LAYOUTS", "{}"))
DOCUMENT_BLANK_LAYOUTS["default"].setdefault("supplement", _SUPPLEMENT_LAYOUT)

# Retention (regulation п. 6.1): electronic records are kept for the training period plus this
# many years, counted from 1 January of the year after the end; destruction acts and their log
# extracts are kept this many years (Приказ РКН № 179, п. 8).
RETENTION_YEARS = env_int("ZACHETKA_RETENTION_YEARS", 5)
DESTRUCTION_RECORDS_YEARS = env_int("ZACHETKA_DESTRUCTION_RECORDS_YEARS", 3)
# The public verification log keeps a visitor's IP address this many days (to slow down guesses
# of registration numbers), then `manage.py erase_verification_ips` erases it.
VERIFICATION_IP_DAYS = env_int("ZACHETKA_VERIFICATION_IP_DAYS", 90)

# Achievements: the largest evidence file accepted.
ACHIEVEMENT_MAX_BYTES = env_int("ZACHETKA_ACHIEVEMENT_MAX_BYTES", 5 * 1024 * 1024)

# The paper archive: the largest scan of a paper original accepted (a protocol of many sheets).
PAPER_SCAN_MAX_BYTES = env_int("ZACHETKA_PAPER_SCAN_MAX_BYTES", 20 * 1024 * 1024)

# The audit trail (п. 7.1): its hash chain is an HMAC under this key, kept outside the database so
# that the database credentials alone cannot re-hash a rewritten trail. Keys retired by a rotation
# stay listed so the older part of the chain still verifies.
if DEBUG:
    AUDIT_HMAC_KEY = env_str("ZACHETKA_AUDIT_HMAC_KEY", "dev-only-audit-key-do-not-use-in-production")
else:
    AUDIT_HMAC_KEY = env_str("ZACHETKA_AUDIT_HMAC_KEY")
    if len(AUDIT_HMAC_KEY) < 32:
        raise ImproperlyConfigured("ZACHETKA_AUDIT_HMAC_KEY must be at least 32 random characters.")
AUDIT_HMAC_OLD_KEYS = env_list("ZACHETKA_AUDIT_HMAC_OLD_KEYS", "")
# Anchors of the chain's head (manage.py audit_anchor, daily from cron): signed with an Ed25519
# private key (a PEM file readable by the cron job only), written to a directory outside the
# database and/or e-mailed; verify_audit checks them with the public key (base64, 32 bytes).
AUDIT_ANCHOR_SIGNING_KEY_FILE = env_str("ZACHETKA_AUDIT_ANCHOR_SIGNING_KEY_FILE", "")
AUDIT_ANCHOR_PUBLIC_KEY = env_str("ZACHETKA_AUDIT_ANCHOR_PUBLIC_KEY", "")
AUDIT_ANCHOR_DIR = env_str("ZACHETKA_AUDIT_ANCHOR_DIR", "")
AUDIT_ANCHOR_EMAILS = env_list("ZACHETKA_AUDIT_ANCHOR_EMAILS", "")

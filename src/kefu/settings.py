"""All of Kefu's settings; production differences come from the environment (design.md)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KEFU_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """KEFU_SECRET_KEY, or a key generated once into the data dir."""
    if key := os.environ.get("KEFU_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = _secret_key()
DEBUG = _bool("KEFU_DEBUG")
TESTING = _bool("KEFU_TESTING")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("KEFU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [f"http://{h}" for h in ALLOWED_HOSTS if h != "*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # /api/v1/docs: Swagger UI from ninja's own static files, not a CDN
    "huey.contrib.djhuey",
    "kefu.core",
    "kefu.accounts",
    "kefu.customers",
    "kefu.tickets",
    "kefu.knowledge",
    "kefu.followups",
    "kefu.shiftlogs",
    "kefu.surveys",
    "kefu.workforce",
    "kefu.reports",
    "kefu.integrations",
    "kefu.inspections",
    "kefu.channels",
    "kefu.demo",
    "kefu.property",
    "kefu.booking",
    "kefu.channels.messaging",
    "kefu.commerce",
    "kefu.quality",
    "kefu.training",
]

MIDDLEWARE = [
    "kefu.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kefu.core.ratelimit.ApiRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kefu.core.middleware.ContentSecurityPolicyMiddleware",
    "kefu.core.middleware.DomainErrorMiddleware",
    "kefu.core.middleware.NulByteMiddleware",
]

ROOT_URLCONF = "kefu.urls"
WSGI_APPLICATION = "kefu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# --- database: SQLite (WAL) in the data dir, PostgreSQL through DATABASE_URL -----------------
_default_db = f"sqlite:///{DATA_DIR / 'kefu.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            " PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
        ),
    }
# persistent connections on both: a new SQLite connection per request (open, six PRAGMAs, the
# schema parsed again, a cold page cache) was a quarter of a trivial request's CPU (issue 24)
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["kefu.accounts.backends.LockoutModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- i18n: Chinese first, English second -------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- static files: Bootstrap from xstatic, htmx from django-htmx; served by WhiteNoise --------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at start-up when it is missing


def _xstatic_dir() -> Path:
    import xstatic.pkg.bootstrap as bootstrap

    return Path(bootstrap.BASE_DIR)


STATICFILES_DIRS = [("bootstrap", _xstatic_dir()), BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- background jobs: Huey on SQLite by default, Redis through REDIS_URL ------------------------
if os.environ.get("REDIS_URL"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("KEFU_HUEY_NAME", "kefu"),
        "url": os.environ["REDIS_URL"],
        "immediate": TESTING,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "kefu",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": TESTING,
    }

# --- mail and SMS ------------------------------------------------------------------------------
if os.environ.get("EMAIL_URL"):
    from kefu.core.email_url import parse_email_url

    globals().update(parse_email_url(os.environ["EMAIL_URL"]))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("KEFU_FROM_EMAIL", "kefu@localhost")
KEFU_SMS_BACKEND = os.environ.get("KEFU_SMS_BACKEND", "kefu.core.sms.LogBackend")
# messaging (docs/messaging.md): SMS/IM adapters, inbound webhooks, the public web form
KEFU_SMS_URL = os.environ.get("KEFU_SMS_URL", "")
KEFU_SMS_SECRET = os.environ.get("KEFU_SMS_SECRET", "")
KEFU_SMS_FILE = os.environ.get("KEFU_SMS_FILE", "")
KEFU_IM_URL = os.environ.get("KEFU_IM_URL", "")
KEFU_IM_SECRET = os.environ.get("KEFU_IM_SECRET", "")
KEFU_INBOUND_SECRET = os.environ.get("KEFU_INBOUND_SECRET", "")
KEFU_MESSAGE_DAILY_QUOTA = int(os.environ.get("KEFU_MESSAGE_DAILY_QUOTA", "10"))
KEFU_WEBFORM_FRAME_ANCESTORS = os.environ.get("KEFU_WEBFORM_FRAME_ANCESTORS", "").split()

# --- security ----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _bool("KEFU_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# sign-in: a back-off of 1, 2, 4 … minutes (at most KEFU_LOGIN_LOCK_MINUTES) after
# KEFU_LOGIN_MAX_FAILURES failures in a row; one address may fail so often per window
KEFU_LOGIN_MAX_FAILURES = 5
KEFU_LOGIN_LOCK_MINUTES = 15
KEFU_LOGIN_SOURCE_MAX_FAILURES = int(os.environ.get("KEFU_LOGIN_SOURCE_MAX_FAILURES", "50"))
KEFU_LOGIN_SOURCE_WINDOW_MINUTES = 15
# behind N reverse proxies the client's address is the Nth last in X-Forwarded-For
KEFU_TRUSTED_PROXIES = int(os.environ.get("KEFU_TRUSTED_PROXIES", "0") or 0)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    # the API's per-token request counts (core.ratelimit); without Redis they are in the database
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }


def _api_rate() -> int:
    try:
        return max(0, int(os.environ.get("KEFU_API_RATE", "600")))
    except ValueError:
        return 600


# API requests a minute per token (user, address); 0: no limit
KEFU_API_RATE = _api_rate()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "filters": {"request_id": {"()": "kefu.core.request_id.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("KEFU_LOG_LEVEL", "INFO")},
    # run_huey gives the huey logger a handler of its own: do not print its lines twice
    "loggers": {"jieba": {"level": "WARNING"}, "huey": {"propagate": False}},
}

"""kefu settings: everything that differs between deployments comes from the environment.

Secrets (Django secret key, field-encryption key ring, blind-index key) come from the environment or,
for a developer machine, from a generated git-ignored file ``var/secrets.json``. In production mode
(``KEFU_ENV=production``) the process refuses to start with debug on, generated/default keys or demo users
(see ``kefu.ops.checks``).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from kefu.secrets import load_secrets

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KEFU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

KEFU_ENV = os.environ.get("KEFU_ENV", "development")
PRODUCTION = KEFU_ENV == "production"
DEBUG = os.environ.get("KEFU_DEBUG", "0" if PRODUCTION else "1") == "1"

SECRETS = load_secrets(VAR_DIR, allow_generate=not PRODUCTION)
if PRODUCTION and not SECRETS.secret_key:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("kefu refuses to start in production mode: set KEFU_SECRET_KEY, KEFU_FIELD_KEYS "
                               "and KEFU_BLIND_INDEX_KEY in the environment (see docs/deploy.md)")
SECRET_KEY = SECRETS.secret_key
# Field-encryption key ring: {key_id: 32 raw bytes}; new values are written with the active key.
KEFU_FIELD_KEYS = SECRETS.field_keys
KEFU_FIELD_ACTIVE_KEY = SECRETS.active_field_key
KEFU_BLIND_INDEX_KEY = SECRETS.blind_index_key
KEFU_SECRETS_GENERATED = SECRETS.generated

ALLOWED_HOSTS = [h for h in os.environ.get("KEFU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("KEFU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Apps in dependency order: demo loaders, API routers and URL modules are discovered in this order.
KEFU_APPS = [
    "kefu.org",
    "kefu.audit",
    "kefu.pii",
    "kefu.calendar",
    "kefu.notify",
    "kefu.corebank",
    "kefu.customers",
    "kefu.knowledge",
    "kefu.assist",
    "kefu.workorders",
    "kefu.contact",
    "kefu.ivr",
    "kefu.quality",
    "kefu.reports",
    "kefu.ops",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "channels",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    *KEFU_APPS,
]

MIDDLEWARE = [
    "kefu.ops.middleware.RequestIdMiddleware",
    "kefu.ops.middleware.MetricsMiddleware",
    "kefu.common.middleware.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kefu.org.middleware.IdleSessionTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kefu.org.middleware.MfaRequiredMiddleware",
    "kefu.ops.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception sees a KefuError from any page view first (403/404/422, not 500).
    "kefu.common.middleware.KefuErrorMiddleware",
]

ROOT_URLCONF = "kefu.urls"
ASGI_APPLICATION = "kefu.asgi.application"
WSGI_APPLICATION = "kefu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kefu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kefu.org.context_processors.navigation",
                "kefu.ops.context_processors.banners",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kefu.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web server and the task worker share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
REPORTS_DATABASE_URL = os.environ.get("REPORTS_DATABASE_URL")
if REPORTS_DATABASE_URL:
    # A read replica for heavy report queries (see docs/deploy.md).
    DATABASES["reports"] = dj_database_url.parse(REPORTS_DATABASE_URL, conn_max_age=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
LOGIN_URL = "org:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "org:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kefu.org.passwords.CharacterClassValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# django-axes: 5 failures lock the username for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("KEFU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("KEFU_LOCKOUT_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The lock lasts 15 minutes from the 5th failure; attempts made while locked do not extend it (the
# documented policy), and they are still audited.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "org/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]

SESSION_COOKIE_AGE = int(os.environ.get("KEFU_SESSION_IDLE_MINUTES", "30")) * 60
KEFU_SESSION_IDLE_SECONDS = SESSION_COOKIE_AGE
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind the load balancer (docs/deploy.md): it terminates TLS and sets X-Forwarded-Proto / -For.
KEFU_TRUST_X_FORWARDED_FOR = os.environ.get("KEFU_TRUST_X_FORWARDED_FOR", "1" if PRODUCTION else "0") == "1"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("KEFU_SSL_REDIRECT", "1") == "1"
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]  # plain-HTTP probes from the LB
    SECURE_HSTS_SECONDS = int(os.environ.get("KEFU_HSTS_SECONDS", "31536000"))
    SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

OTP_TOTP_ISSUER = "kefu"
# Roles that must pass a TOTP second factor before doing anything.
KEFU_MFA_REQUIRED_ROLES = ["admin", "system_maintainer", "center_director", "compliance_auditor"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kefu" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "kefu" / "static"]
# Uploaded files (attachments, recordings) live outside the web root and are served only through views
# that check permissions; there is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(os.environ.get("KEFU_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                    if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static assets are served by the app itself (WhiteNoise): nothing comes from a CDN.
WHITENOISE_USE_FINDERS = DEBUG
if os.environ.get("KEFU_S3_BUCKET"):
    STORAGES["recordings"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["KEFU_S3_BUCKET"],
            "endpoint_url": os.environ.get("KEFU_S3_ENDPOINT_URL"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
else:
    STORAGES["recordings"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT / "recordings")},
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    INSTALLED_APPS.append("django_rq")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kefu_cache",
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Audit retention (days); entries older than this are pruned behind a signed checkpoint.
KEFU_AUDIT_RETENTION_DAYS = int(os.environ.get("KEFU_AUDIT_RETENTION_DAYS", str(3 * 365)))
KEFU_API_TOKEN_DAYS = int(os.environ.get("KEFU_API_TOKEN_DAYS", "90"))
# The ASGI process moves its start-up objects out of the garbage collector's reach (kefu/asgi.py).
KEFU_GC_FREEZE = os.environ.get("KEFU_GC_FREEZE", "1") == "1"
KEFU_CORE_BANK = os.environ.get("KEFU_CORE_BANK", "sandbox")
KEFU_CORE_BANK_URL = os.environ.get("KEFU_CORE_BANK_URL", "")

LOG_LEVEL = os.environ.get("KEFU_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "pii": {"()": "kefu.pii.logfilter.PiiMaskingFilter"},
        "request_id": {"()": "kefu.ops.logging.RequestIdFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "ts",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "pii"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "jieba": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # uvicorn's own lines go through the same JSON handler (request id "-" outside a request).
        "uvicorn": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "uvicorn.access": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Lockout is per account (username): agents share the center's NAT address, so locking by IP would lock
# out a whole shift after one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

"""Settings for coopgov, read from the environment: SQLite and in-process tasks by default."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from coopgov.config.env import env_bool, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The project root in a source checkout (src/coopgov/config → root); runtime files go to var/ there.
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env_str("COOPGOV_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("COOPGOV_DEBUG", False)
# The demo and the tests need no secret of their own; production must set COOPGOV_SECRET_KEY.
SECRET_KEY = env_str("COOPGOV_SECRET_KEY", "coopgov-insecure-development-key-change-me-in-production")
ALLOWED_HOSTS = env_list("COOPGOV_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("COOPGOV_CSRF_TRUSTED_ORIGINS", [])
# Where members reach the platform from outside: links in e-mails (notices, digests, unsubscribe).
COOPGOV_BASE_URL = env_str("COOPGOV_BASE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "coopgov.accounts",
    "coopgov.audit",
    "coopgov.organisation",
    "coopgov.members",
    "coopgov.decisions",
    "coopgov.participation",
    "coopgov.notifications",
    "coopgov.meetings",
    "coopgov.orientations",
    "coopgov.followup",
    "coopgov.panels",
    "coopgov.conversations",
    "coopgov.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "coopgov.accounts.middleware.UserLanguageMiddleware",
    "coopgov.accounts.middleware.RequireMFAForOfficersMiddleware",
]

ROOT_URLCONF = "coopgov.config.urls"
WSGI_APPLICATION = "coopgov.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "coopgov.accounts.context_processors.navigation",
            ],
        },
    },
]

if not env_str("DATABASE_URL", ""):
    # The embedded default: an SQLite file under var/, which a fresh checkout does not have yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'coopgov.sqlite3'}"),
        conn_max_age=int(env_str("COOPGOV_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE makes a write transaction take the
    # write lock at BEGIN, so two concurrent acts serialise instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_REDIRECT_URL = "members:home"
LOGIN_URL = "account_login"

# django-allauth: e-mail + password, or a code sent by e-mail; no username.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_ALLOW_REGISTRATION = env_bool("COOPGOV_ALLOW_SIGNUP", False)
ACCOUNT_ADAPTER = "coopgov.accounts.adapter.AccountAdapter"
# A newly admitted member with an e-mail address and no account is invited (accounts.tasks, ADR 0017).
COOPGOV_INVITE_ON_ADMISSION = env_bool("COOPGOV_INVITE_ON_ADMISSION", True)
ACCOUNT_RATE_LIMITS: bool | dict[str, str] = False if env_bool("COOPGOV_TESTING", False) else {}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "coopgov"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# The site-wide stylesheet lives beside the templates (src/coopgov/static), outside any app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Uploaded files (minutes' attachments, assembly documents) live under var/media unless set elsewhere.
MEDIA_ROOT = Path(env_str("COOPGOV_MEDIA_DIR", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# By default e-mails are written as files under var/mail (the demo convenes thousands of members).
EMAIL_BACKEND = env_str("COOPGOV_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(env_str("COOPGOV_EMAIL_DIR", str(VAR_DIR / "mail")))
# With the SMTP backend: the mail server.
EMAIL_HOST = env_str("COOPGOV_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("COOPGOV_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("COOPGOV_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("COOPGOV_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("COOPGOV_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("COOPGOV_FROM_EMAIL", "coopgov <noreply@example.org>")

# Background work through the Django Tasks API: in-process by default; Redis workers when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    INSTALLED_APPS.append("django_rq")
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Short-lived counters (the guard against floods of applications, ADR 0019): shared by every web process
# in Redis when there is one; Django's per-process memory otherwise.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG and env_bool("COOPGOV_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("COOPGOV_LOG_LEVEL", "WARNING")},
}

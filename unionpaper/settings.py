"""Settings for unionpaper, read from the environment.

One module for every deployment. Development needs no variables beyond
``DEBUG=true`` (the setup script writes it to ``.env``); with ``DEBUG`` off
the site refuses to start until every production variable is set.

Variables: DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, MEDIA_ROOT,
PAPER_NAME, CSRF_TRUSTED_ORIGINS, CACHE_URL, TIME_ZONE.
"""
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# --- Fail fast: production must say what it is -----------------------------
_DEV_SECRET_KEY = "django-insecure-unionpaper-development-only"
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
else:
    _missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not env.str(name, default="")]
    if _missing:
        raise ImproperlyConfigured(
            "Production settings (DEBUG is off) need these environment variables: "
            + ", ".join(_missing)
            + ". For local development set DEBUG=true (the setup script writes it to .env)."
        )
    SECRET_KEY = env.str("SECRET_KEY")
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("SECRET_KEY must be a long random value of your own in production.")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- The paper ---------------------------------------------------------------
PAPER_NAME = env.str("PAPER_NAME", default="职工天地")

# --- Applications ------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "ckeditor",
    "ckeditor_uploader",
    "taggit",
    "reversion",
    "issues",
    "articles",
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
]

ROOT_URLCONF = "unionpaper.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unionpaper.context_processors.paper",
            ],
        },
    },
]

WSGI_APPLICATION = "unionpaper.wsgi.application"

# --- Database ----------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work at once; a busy timeout
    # makes a second writer wait instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Passwords and accounts --------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time -------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media files --------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Uploads larger than this are refused before they reach a view (page PDFs
# of a broadsheet are a few MB; a generous cap still stops abuse).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# --- Rich text: CKEditor 4 with server-side sanitizing -----------------------
# CKEditor 4.22.1 has known, unfixed issues (check ckeditor.W001). Every body
# is cleaned by articles.sanitize.clean_html before it is stored and before it
# is shown, so the editor is never the only guard.
CKEDITOR_UPLOAD_PATH = "uploads/"
CKEDITOR_IMAGE_BACKEND = "ckeditor_uploader.backends.PillowBackend"
CKEDITOR_ALLOW_NONIMAGE_FILES = False
CKEDITOR_RESTRICT_BY_USER = False
CKEDITOR_BROWSE_SHOW_DIRS = True
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Custom",
        "toolbar_Custom": [
            ["Format", "Bold", "Italic", "Underline", "Strike", "Subscript", "Superscript"],
            ["NumberedList", "BulletedList", "Blockquote", "-", "JustifyLeft", "JustifyCenter", "JustifyRight"],
            ["Link", "Unlink", "Image", "Table", "HorizontalRule", "SpecialChar"],
            ["Undo", "Redo", "-", "RemoveFormat", "Source", "Maximize"],
        ],
        "format_tags": "p;h2;h3;h4",
        "height": 420,
        "width": "100%",
        "language": "zh-cn",
        "removePlugins": "exportpdf",
    },
}
SILENCED_SYSTEM_CHECKS = []  # ckeditor.W001 stays visible on purpose: see README.

# --- Themes (django-taggit) --------------------------------------------------
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "articles.themes.parse_themes"
TAGGIT_STRING_FROM_TAGS = "articles.themes.format_themes"

# --- Cache -------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://unionpaper")}

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

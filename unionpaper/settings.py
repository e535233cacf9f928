"""Settings for unionpaper, read from the environment.

One module for every deployment. Development needs no variables beyond
``DEBUG=true`` (the setup script writes it to ``.env``); with ``DEBUG`` off
the site refuses to start until every production variable is set.

Variables: DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, MEDIA_ROOT,
PAPER_NAME, CSRF_TRUSTED_ORIGINS, CACHE_URL, TIME_ZONE, EMAIL_URL, DEFAULT_FROM_EMAIL; in production also
SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, SECURE_HSTS_PRELOAD,
SECURE_PROXY_SSL_HEADER, AXES_FAILURE_LIMIT, AXES_COOLOFF_MINUTES,
SESSION_COOKIE_AGE (see docs/security.md).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from unionpaper.editor_policy import add_static_document_headers

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

# --- The newsroom: review stages (三审) and its e-mail ------------------------
# Each stage is decided by the members of its group, in this order; a paper
# that merges 复审 into 终审 lists two. Approval at the last stage makes a story
# ready for the 总编 to publish.
NEWSROOM_REVIEW_STAGES = [
    {"key": "first", "label": "初审", "group": "编辑"},
    {"key": "second", "label": "复审", "group": "编辑部主任"},
    {"key": "final", "label": "终审", "group": "总编"},
]
# EMAIL_URL (smtp://user:password@host:587, submission://…): where the
# newsroom's notices go; the console in development, nowhere when unset in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "dummymail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")

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
    "unionpaper.apps.AxesConfig",  # django-axes, named in Chinese
    "csp",
    "issues",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so that cached pages are answered with 304 too.
    "django.middleware.http.ConditionalGetMiddleware",
    # Before the page cache: scheduled working copies that came due are published first.
    "articles.working_copies.ApplyDueChangesMiddleware",
    "unionpaper.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into its 429 response.
    "axes.middleware.AxesMiddleware",
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
    # makes a second writer wait.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Take the write lock when a transaction starts, so two writers
            # queue up instead of one failing half-way with "database is locked".
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

# A streaming read replica, when there is one: public GET/HEAD requests read
# from it, the admin and every write use the primary (unionpaper/db_routers.py).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["replica"].setdefault("CONN_HEALTH_CHECKS", True)
    # Tests create their database on the primary only; the replica alias then
    # points at the same test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["unionpaper.db_routers.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(0, "unionpaper.db_routers.ReplicaReadsMiddleware")
# For this long after a change, pages and shared data read from the replica
# (which may not have the change yet) are shown but not cached (unionpaper/cache.py).
REPLICA_LAG_SECONDS = env.float("REPLICA_LAG_SECONDS", default=5.0 if "replica" in DATABASES else 0.0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Passwords and accounts --------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes checks every login attempt first and refuses locked-out
# clients before the password is even compared.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# Lock the account name and, separately, the address guessing at many names.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
# Behind a reverse proxy, set AXES_IPWARE_PROXY_COUNT so the client address
# comes from X-Forwarded-For and not from the proxy itself.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Sessions: a working day, gone when idle that long, never readable by script.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# A form posted without a valid token gets the project's own page, in Chinese, saying nothing of why.
CSRF_FAILURE_VIEW = "unionpaper.views.csrf_failure"
# After logging in, a ?next= that is refused (another site, a bad scheme) leads to the newsroom.
LOGIN_REDIRECT_URL = "admin:index"

# --- Transport and browser security -------------------------------------------
# Development runs on plain http://localhost; everything below is on whenever
# DEBUG is off, so `check --deploy` is clean by default in production.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    # Only when a proxy in front sets this header and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4). Reader pages load only our own
# scripts, styles and images: no inline script, no other hosts. The admin's
# article form relaxes style-src for CKEditor on that view alone
# (unionpaper.editor.CKEDITOR_CSP); the editor's image browser is our own
# template with a static script, under the same policy as every page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Article bodies keep the alignment and sizes CKEditor writes as style
        # attributes (the sanitizer allows only layout properties and no url()
        # or expression()); <style> elements stay forbidden.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
if not DEBUG:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True

# --- Language and time -------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# The paper, its readers and its newsroom work in Chinese: a browser set to
# English must not turn the admin's own words (Add, Change, Log in) English
# around our Chinese ones. The page cache still keys on the language, should
# another ever be added (unionpaper/cache.py).
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media files --------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    # The apps' static folders, less the editor's test pages (unionpaper/static_finders.py).
    "unionpaper.static_finders.AppDirectoriesFinder",
]

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Static files: WhiteNoise serves them from the app servers, compressed and
# under content-hashed names with a one-year cache lifetime. Development and
# tests use plain names so no collectstatic is needed there.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Media in object storage (S3 or compatible) when several machines serve the
# site: set MEDIA_S3_BUCKET (and the AWS_* variables django-storages reads).
if env.str("MEDIA_S3_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("MEDIA_S3_BUCKET"),
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("MEDIA_S3_REGION", default=None),
            "custom_domain": env.str("MEDIA_S3_CUSTOM_DOMAIN", default=None),
            "querystring_auth": False,
            "file_overwrite": False,
            # Stored names are generated and never reused, so they may be cached for a year.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
MEDIA_ON_APP_SERVER = STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
WHITENOISE_MAX_AGE = 31536000
# WhiteNoise answers before the middleware that adds the Content-Security-Policy
# and X-Frame-Options: a static HTML, XHTML or SVG file gets the editor's
# policy and may not be framed (unionpaper/editor_policy.py).
WHITENOISE_ADD_HEADERS_FUNCTION = add_static_document_headers
if not DEBUG:
    # In development runserver serves static files from the app folders itself.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

# A request body other than its files (form fields) larger than this is
# refused before it reaches a view. Files are not counted here: those over
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file instead of memory, and
# each file field refuses what is too big with its own Chinese message
# (unionpaper/uploads.py: 40 MB for a scan or photo, 60 MB for a PDF); the
# proxy in front caps the whole request (docs/deploy.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# --- Rich text: CKEditor 4 with server-side sanitizing -----------------------
# CKEditor 4.22.1 has known, unfixed issues (check ckeditor.W001). Every body
# is cleaned by articles.sanitize.clean_html before it is stored and before it
# is shown, so the editor is never the only guard.
CKEDITOR_UPLOAD_PATH = "uploads/"
# Our backend applies the same checks as every other image upload (real
# format, byte and pixel limits); the generator gives every file a random
# name with the extension of its real format.
CKEDITOR_IMAGE_BACKEND = "unionpaper.editor.CKEditorImageBackend"
CKEDITOR_FILENAME_GENERATOR = "unionpaper.editor.ckeditor_filename"
CKEDITOR_RESTRICT_BY_DATE = True
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
        # Edit in a <div> rather than an <iframe>: the iframe is bootstrapped
        # with an inline <script>, which the Content-Security-Policy forbids.
        "extraPlugins": "divarea",
        # Upload through XHR with a JSON answer, never the old form post
        # whose answer is an inline script in a frame.
        "filebrowserUploadMethod": "xhr",
    },
}
# django-ckeditor's notice would open the output of every management command
# (imports included); the project's own deploy check, unionpaper.W001
# (articles/checks.py), says the same where it belongs, with what protects the
# site, and fails if the sanitizer stops doing its work. See README.
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]

# --- Imports (manage.py import_articles) ---------------------------------------
# A text file of one issue's articles is a few hundred KB (a full broadsheet
# page holds about 10,000 characters, 30 KB in UTF-8); 2 MB is several issues.
# The longest article the paper prints runs over two or three pages, 30,000
# characters at most; 100,000 leaves room and still renders and highlights
# in a fraction of a second (bench/reader, docs/performance.md). Larger means
# a scraping accident, refused before it is read.
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=2 * 1024 * 1024)
IMPORT_MAX_ARTICLE_CHARS = env.int("IMPORT_MAX_ARTICLE_CHARS", default=100_000)

# --- Themes (django-taggit) --------------------------------------------------
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "articles.themes.parse_themes"
TAGGIT_STRING_FROM_TAGS = "articles.themes.format_themes"

# --- Cache -------------------------------------------------------------------
# Production sets CACHE_URL=redis://…: the public page cache must be shared by
# every process, or a change seen by one worker stays unseen by the others.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://unionpaper")}
PUBLIC_PAGE_CACHE = env.bool("PUBLIC_PAGE_CACHE", default=True)
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=24 * 3600)
# What many pages show alike (an issue's pages and reading order, related
# articles, theme counts), kept until what it shows changes; see docs/caching.md.
PUBLIC_DATA_CACHE = env.bool("PUBLIC_DATA_CACHE", default=True)
# How long a reader waits for another's render of the same page before rendering it too.
SINGLE_FLIGHT_WAIT_SECONDS = env.float("SINGLE_FLIGHT_WAIT_SECONDS", default=2.0)

# A shared HTTP cache in front (Varnish, Fastly, Cloudflare), told after each
# commit which surrogate keys to purge: unionpaper/frontend_cache.py, docs/deploy.md.
FRONTEND_CACHES = {}
if env.list("VARNISH_PURGE_URLS", default=[]):
    FRONTEND_CACHES["varnish"] = {
        "BACKEND": "unionpaper.frontend_cache.VarnishBackend",
        "LOCATIONS": env.list("VARNISH_PURGE_URLS"),
    }
if env.str("FASTLY_SERVICE_ID", default=""):
    FRONTEND_CACHES["fastly"] = {
        "BACKEND": "unionpaper.frontend_cache.FastlyBackend",
        "SERVICE_ID": env.str("FASTLY_SERVICE_ID"),
        "API_TOKEN": env.str("FASTLY_API_TOKEN"),
    }
if env.str("CLOUDFLARE_ZONE_ID", default=""):
    FRONTEND_CACHES["cloudflare"] = {
        "BACKEND": "unionpaper.frontend_cache.CloudflareBackend",
        "ZONE_ID": env.str("CLOUDFLARE_ZONE_ID"),
        "API_TOKEN": env.str("CLOUDFLARE_API_TOKEN"),
    }
FRONTEND_CACHE_SECONDS = env.int("FRONTEND_CACHE_SECONDS", default=24 * 3600)
FRONTEND_CACHE_TIMEOUT = env.float("FRONTEND_CACHE_TIMEOUT", default=5.0)

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

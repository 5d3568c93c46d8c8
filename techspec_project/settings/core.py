"""The Django site itself: apps, middleware, the development toolbar, templates, locale, static files."""

from __future__ import annotations

from techspec_project.settings.environment import BASE_DIR, DEBUG, env

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    # Swagger UI's JavaScript and CSS as local static files instead of a CDN.
    "drf_spectacular_sidecar",
    "design_bridge",
    "sessions_app",
    # Developer commands (seed_data, bench_queries, load_report, ...); the domain never imports it.
    "tooling",
]

MIDDLEWARE = [
    # First, so its line covers every response, including the ones middleware below makes.
    "techspec_project.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight after SecurityMiddleware, as whitenoise asks: HSTS and nosniff apply.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "techspec_project.middleware.RequestBodyLimitMiddleware",
    "techspec_project.db_router.PrimaryReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# A development aid: never installed with DEBUG off, whatever DEBUG_TOOLBAR says.
DEBUG_TOOLBAR = env.bool("DEBUG_TOOLBAR", default=DEBUG)
if DEBUG and DEBUG_TOOLBAR:
    INSTALLED_APPS.append("debug_toolbar")
    MIDDLEWARE.insert(0, "debug_toolbar.middleware.DebugToolbarMiddleware")
    # Collapsed, so it covers no filters or links; never on /api/, where its History panel
    # would read request.body after the body limit answered 413 (and turn it into a 400).
    DEBUG_TOOLBAR_CONFIG = {
        "SHOW_COLLAPSED": True,
        "SHOW_TOOLBAR_CALLBACK": "techspec_project.debug_toolbar.show_toolbar",
    }

# The admin login lockout (security.py has its settings): last, after authentication.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]

ROOT_URLCONF = "techspec_project.urls"
WSGI_APPLICATION = "techspec_project.wsgi.application"
ASGI_APPLICATION = "techspec_project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# One date format on every admin page (YYYY-MM-DD HH:MM), also where Django renders dates itself.
FORMAT_MODULE_PATH = ["techspec_project.formats"]

# `manage.py loaddata demo` finds fixtures/demo.json.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
# `collectstatic` (run by `make serve`) fills it; whitenoise serves it from each app server.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names with DEBUG off (cacheable forever); plain files while developing,
    # so runserver and the tests need no collectstatic.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

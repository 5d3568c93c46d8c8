import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techspec_project.settings")
application = get_wsgi_application()

from techspec_project.secret_key import require_secret_key  # noqa: E402 - the settings must be loaded first

require_secret_key()  # runserver and gunicorn refuse to serve without one (DEBUG off)

"""ASGI entry point: Django's HTTP views, and the session events WebSocket at /ws/tech-spec/<id>.

WebSocket connections carry the admin's session cookie through Channels' auth
middleware (staff may follow a session from its admin page); API clients send
bearer tokens (sessions_app/events/auth.py).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techspec_project.settings")
# Django is set up before anything imports models.
django_application = get_asgi_application()

from techspec_project.secret_key import require_secret_key  # noqa: E402 - the settings must be loaded first

require_secret_key()  # uvicorn refuses to serve without one (DEBUG off)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from sessions_app.events.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter({
    "http": django_application,
    "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
})

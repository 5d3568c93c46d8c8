"""WebSocket routes: the events of one session at the path every session advertises (websocket_url)."""

from django.urls import re_path

from sessions_app.events.consumer import NoRouteConsumer, SessionEventsConsumer

websocket_urlpatterns = [
    re_path(r"^ws/tech-spec/(?P<session_id>[^/]+)/?$", SessionEventsConsumer.as_asgi()),
    re_path(r"", NoRouteConsumer.as_asgi()),
]

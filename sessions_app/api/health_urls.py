"""/health at the site root, outside /api/: the project includes this by name, not by import."""

from django.urls import path

from sessions_app.api.health import health

urlpatterns = [
    path("health", health, name="health"),
]

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from sessions_app.admin.db_health import db_health_cancel_view, db_health_view
from sessions_app.admin.overview import overview_view

urlpatterns = [
    # Included by dotted name: the project does not import the API layer (tests/tooling/test_layering.py).
    path("", include("sessions_app.api.health_urls")),
    # Superusers only (checked in the views); admin_view asks anyone else to log in first.
    path("admin/db-health/", admin.site.admin_view(db_health_view), name="techspec-db-health"),
    path("admin/db-health/cancel/<int:pid>/", admin.site.admin_view(db_health_cancel_view),
         name="techspec-db-health-cancel"),
    path("", RedirectView.as_view(pattern_name="admin:index"), name="root"),
    # Before admin.site.urls, whose catch-all would answer 404 for an unknown app label.
    path("admin/overview/", admin.site.admin_view(overview_view), name="admin-overview"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/", include("sessions_app.api.urls")),
]

if "debug_toolbar" in settings.INSTALLED_APPS:
    urlpatterns.append(path("__debug__/", include("debug_toolbar.urls")))

handler400 = "techspec_project.error_views.bad_request"
handler403 = "techspec_project.error_views.permission_denied"
handler404 = "techspec_project.error_views.page_not_found"
handler500 = "techspec_project.error_views.server_error"

"""API routes: the five planned endpoints at their exact paths, plus browsable resources.

Every route answers with and without its trailing slash. Django's APPEND_SLASH would
otherwise answer a POST to the slashless form with a 301 to an HTML page (and a 500
with DEBUG on), and a client following the redirect drops the body.
"""

from typing import Any

from django.urls import include, re_path
from rest_framework.routers import DefaultRouter, SimpleRouter

from sessions_app.api import schema  # noqa: F401 - registers the OpenAPI auth extension
from sessions_app.api.views import flow, resources


class OptionalSlashRouter(DefaultRouter):
    """DRF's router with "/?" as its trailing slash (DRF turns any truthy argument into "/")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trailing_slash = "/?"


class OptionalSlashNestedRouter(SimpleRouter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trailing_slash = "/?"


router = OptionalSlashRouter()
router.register("sessions", resources.SessionViewSet, basename="session")
router.register("errors", resources.ErrorLogViewSet, basename="error-log")
router.register("design-jobs", resources.DesignJobViewSet, basename="design-job")

nested = OptionalSlashNestedRouter()
nested.register("research", resources.ResearchViewSet, basename="session-research")
nested.register("conversations", resources.ConversationViewSet, basename="session-conversation")
nested.register("trd-versions", resources.TRDVersionViewSet, basename="session-trd-version")
nested.register("errors", resources.SessionErrorViewSet, basename="session-error")

# "(?:/)?" rather than "/?": the schema then shows the planned paths without their slash.
ID = r"[^/]+"  # any text up to the next slash: the view answers 400 for a non-canonical UUID, not a 404

urlpatterns = [
    re_path(rf"^projects/(?P<project_id>{ID})/start-tech-spec(?:/)?$", flow.StartTechSpecView.as_view(),
            name="start-tech-spec"),
    re_path(rf"^tech-spec/sessions/(?P<session_pk>{ID})/status(?:/)?$", flow.SessionStatusView.as_view(),
            name="session-status"),
    re_path(rf"^tech-spec/sessions/(?P<session_pk>{ID})/decisions(?:/)?$", flow.DecisionsView.as_view(),
            name="session-decisions"),
    re_path(rf"^tech-spec/sessions/(?P<session_pk>{ID})/trd(?:/)?$", flow.TRDView.as_view(), name="session-trd"),
    re_path(rf"^tech-spec/sessions/(?P<session_pk>{ID})/trd/markdown(?:/)?$", flow.TRDMarkdownView.as_view(),
            name="session-trd-markdown"),
    re_path(rf"^sessions/(?P<session_pk>{ID})/trd-versions/compare(?:/)?$", flow.TRDCompareView.as_view(),
            name="session-trd-version-compare"),
    re_path(rf"^sessions/(?P<session_pk>{ID})/", include(nested.urls)),
    re_path("", include(router.urls)),
]

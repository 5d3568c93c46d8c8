"""API routes: the five planned endpoints at their exact paths, plus browsable resources."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter, SimpleRouter

from sessions_app.api import schema  # noqa: F401 - registers the OpenAPI auth extension
from sessions_app.api.views import flow, resources

router = DefaultRouter(trailing_slash="/?")
router.register("sessions", resources.SessionViewSet, basename="session")
router.register("errors", resources.ErrorLogViewSet, basename="error-log")
router.register("design-jobs", resources.DesignJobViewSet, basename="design-job")

nested = SimpleRouter(trailing_slash="/?")
nested.register("research", resources.ResearchViewSet, basename="session-research")
nested.register("conversations", resources.ConversationViewSet, basename="session-conversation")
nested.register("trd-versions", resources.TRDVersionViewSet, basename="session-trd-version")
nested.register("errors", resources.SessionErrorViewSet, basename="session-error")

urlpatterns = [
    path("projects/<str:project_id>/start-tech-spec", flow.StartTechSpecView.as_view(), name="start-tech-spec"),
    path("tech-spec/sessions/<str:session_pk>/status", flow.SessionStatusView.as_view(), name="session-status"),
    path("tech-spec/sessions/<str:session_pk>/decisions", flow.DecisionsView.as_view(), name="session-decisions"),
    path("tech-spec/sessions/<str:session_pk>/trd", flow.TRDView.as_view(), name="session-trd"),
    path("sessions/<str:session_pk>/trd-versions/compare", flow.TRDCompareView.as_view(),
         name="session-trd-version-compare"),
    path("sessions/<str:session_pk>/", include(nested.urls)),
    path("", include(router.urls)),
]

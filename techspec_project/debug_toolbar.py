"""When the debug toolbar (a `make run` convenience) may instrument a request."""

from django.conf import settings


def show_toolbar(request) -> bool:
    """The toolbar's own default rule (DEBUG and an INTERNAL_IPS address), and never for the API.

    API responses are JSON for machines; the toolbar would only add work, and its
    History panel reads request.body, which for a body over API_MAX_BODY_BYTES raises
    RequestDataTooBig after RequestBodyLimitMiddleware has already answered 413.
    """
    if request.path.startswith("/api/"):
        return False
    return bool(settings.DEBUG) and request.META.get("REMOTE_ADDR") in settings.INTERNAL_IPS

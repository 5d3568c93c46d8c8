"""When the debug toolbar (a `make run` convenience) may instrument a request."""

from debug_toolbar.middleware import show_toolbar as default_show_toolbar


def show_toolbar(request) -> bool:
    """The toolbar's own rule (DEBUG and an INTERNAL_IPS address), and never for the API.

    API responses are JSON for machines; the toolbar would only add work, and its
    History panel reads request.body, which for a body over API_MAX_BODY_BYTES raises
    RequestDataTooBig after RequestBodyLimitMiddleware has already answered 413.
    """
    if request.path.startswith("/api/"):
        return False
    return default_show_toolbar(request)

"""Middleware that must act before a view reads the request."""

from django.conf import settings

from sessions_app.api.exceptions import error_response


class RequestBodyLimitMiddleware:
    """Refuse API request bodies above API_MAX_BODY_BYTES with 413, before anything parses them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.API_MAX_BODY_BYTES:
                return error_response(
                    413,
                    "request_too_large",
                    f"Request bodies are limited to {settings.API_MAX_BODY_BYTES} bytes.",
                )
        return self.get_response(request)

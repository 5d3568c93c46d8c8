"""Middleware that must act before a view reads the request."""

from django.conf import settings

from techspec_project.errors import error_response


class RequestBodyLimitMiddleware:
    """Refuse API request bodies above API_MAX_BODY_BYTES with 413, and bodies of unknown
    length with 411, before anything parses them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            if "HTTP_TRANSFER_ENCODING" in request.META and not request.META.get("CONTENT_LENGTH"):
                # WSGI gives Django no way to read a chunked body (it reads CONTENT_LENGTH bytes,
                # so none): the view would see an empty body and answer "field required".
                return error_response(
                    411, "length_required", "Send the request body with a Content-Length header, not chunked."
                )
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

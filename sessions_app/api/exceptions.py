"""Every 4xx and 5xx the API returns, in the one JSON error shape (techspec_project.errors.error_body).

Domain errors map by family (NotFound 404, Conflict 409, InvalidInput 400);
DRF's own errors keep their status; anything else is a 500 without internals.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404
from psycopg.errors import QueryCanceled
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from techspec_project.errors import Conflict, DomainError, InvalidInput, NotFound, error_body

logger = logging.getLogger(__name__)

DOMAIN_STATUS = ((NotFound, 404), (Conflict, 409), (InvalidInput, 400))


def api_exception_handler(exc, context):
    response = _error_response(exc, context)
    _speak_json(context.get("request"))
    return response


def _speak_json(request) -> None:
    """Errors are JSON even for a caller that asked for another format (a Markdown TRD, say)."""
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is not None and renderer.format not in ("json", "api"):
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type


def _error_response(exc, context):
    if isinstance(exc, DomainError):
        http_status = next((s for family, s in DOMAIN_STATUS if isinstance(exc, family)), 400)
        return Response(error_body(exc.code, exc.message, details=exc.details), status=http_status)

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None:
        return _reshape(exc, response)

    if isinstance(exc, OperationalError) and isinstance(exc.__cause__, QueryCanceled):
        logger.warning("statement timeout: %s", exc)
        return Response(
            error_body("database_timeout", "The request took too long in the database; try again or narrow it."),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    if isinstance(exc, OperationalError | InterfaceError):
        logger.warning("database unavailable: %s", exc)
        return Response(
            error_body("database_unavailable", "The database is unavailable; try again shortly."),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    if isinstance(exc, DatabaseError):
        logger.exception("database error")
    else:
        logger.exception("unhandled API error")
    return Response(error_body("server_error", "Internal server error."), status=500)


def _reshape(exc, response: Response) -> Response:
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = error_body("invalid", "The request is invalid; see fields.", fields=fields)
        return response
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException) and isinstance(exc.get_codes(), str):
        code = exc.get_codes()
    message = data.get("detail", str(exc)) if isinstance(data, dict) else str(exc)
    details = {k: v for k, v in data.items() if k != "detail"} if isinstance(data, dict) else None
    response.data = error_body(code, str(message), details=details or None)
    return response

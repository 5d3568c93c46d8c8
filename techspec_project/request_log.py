"""One structured log line per request, and the JSON formatter that writes it."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.utils.functional import SimpleLazyObject, empty

logger = logging.getLogger("techspec.request")

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the load balancer or the caller is kept if it is short and plain;
# anything else (log injection, megabyte headers) is replaced by our own.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def _user_id(request) -> str | None:
    """The authenticated caller's id, without a database query to find out.

    DRF sets request.user to the token's user; Django's middleware leaves a lazy
    object that is only worth reading if something already evaluated it.
    """
    user = request.__dict__.get("user")
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:
            return None
        user = user._wrapped
    if not getattr(user, "is_authenticated", False):
        return None
    user_id = getattr(user, "pk", None) or getattr(user, "id", None)
    return str(user_id) if user_id is not None else None


class RequestLogMiddleware:
    """Give each request an id (X-Request-ID in, same header out) and log it once it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _ACCEPTABLE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            fields = {
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": _user_id(request),
            }
            logger.log(
                logging.ERROR if response.status_code >= 500 else logging.INFO,
                "%s %s %s %.1fms", request.method, request.path, response.status_code, duration_ms,
                extra=fields,
            )
            return response
        finally:
            request_id_var.reset(token)


# Attributes every LogRecord has; anything else came in through `extra=`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger, message, `extra` fields, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _RECORD_ATTRIBUTES})
        if "request_id" not in payload and (request_id := request_id_var.get()):
            payload["request_id"] = request_id
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


class GunicornAccessJsonFormatter(JsonFormatter):
    """gunicorn's access line (gunicorn.conf.py, GUNICORN_ACCESS_LOG) as JSON fields, not Apache's format.

    gunicorn hands the line's values to the record as a dict of "atoms"; they
    become the fields the request log uses, so one query reads both.
    """

    def format(self, record: logging.LogRecord) -> str:
        atoms = record.args if isinstance(record.args, dict) else {}

        def atom(key: str):
            value = atoms.get(key)
            if isinstance(value, str):
                value = value.replace('\\"', '"')  # gunicorn escapes quotes for its text format
            return None if value in ("-", "") else value  # "-": gunicorn's "not known"

        status, micros = atom("s"), atom("D")
        fields = {
            "method": atom("m"), "path": atom("U"), "query": atom("q"),
            "status": int(status) if str(status).isdigit() else status,
            "duration_ms": round(micros / 1000, 1) if isinstance(micros, int) else None,
            "bytes": atom("B"), "remote_addr": atom("h"), "user_agent": atom("a"),
            # Header atoms are keyed in lower case: "{x-request-id}o" is the response's header.
            "request_id": atom("{x-request-id}o"),
        }
        line = logging.makeLogRecord({
            **vars(record), **fields, "msg": "%s %s %s", "args": (fields["method"], fields["path"], fields["status"]),
        })
        return super().format(line)


def gunicorn_logconfig(*, level: str, access_log: bool) -> dict:
    """gunicorn's logconfig_dict: its error log (and access log if on) as JSON lines like the request log.

    Both go to stderr, as the workers' Django log does, so one stream carries one format.
    """
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "techspec_project.request_log.JsonFormatter"},
            "access_json": {"()": "techspec_project.request_log.GunicornAccessJsonFormatter"},
        },
        "handlers": {
            "json": {**handler, "formatter": "json"},
            "access_json": {**handler, "formatter": "access_json"},
        },
        "root": {"level": level, "handlers": ["json"]},
        "loggers": {
            # Not propagated: in a worker, Django's LOGGING gives the root logger its own handler.
            "gunicorn.error": {"level": level, "handlers": ["json"], "propagate": False},
            "gunicorn.access": {"level": "INFO" if access_log else "CRITICAL",
                                "handlers": ["access_json"] if access_log else [], "propagate": False},
        },
    }

"""OpenAPI extensions for drf-spectacular: how our own classes appear in the schema.

ApiAutoSchema documents every operation's error responses from what the view declares
(authentication, throttles, path ids, a request body), all pointing at one `Error`
component: the envelope sessions_app.api.exceptions builds. No view lists them by hand.
"""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from sessions_app.api.renderers import FormatNotOffered

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# Why each status may answer; every one carries the Error envelope.
ERROR_DESCRIPTIONS = {
    400: "Invalid input: a body field, a query parameter or an id in the path (`fields` names it), "
         "a page cursor the API did not issue (`invalid_cursor`), or a rule of the domain.",
    401: "No bearer token, or one that is invalid or expired.",
    403: "The caller's role may not do this.",
    404: "No such resource, or one the caller may not see (another user's session is a 404, never a 403).",
    406: "A `format` this operation does not offer (the message lists those it does).",
    409: "The current state forbids this change (state machine, a decision already recorded, a race lost).",
    411: "A request body without Content-Length (chunked): send its length.",
    413: "The request body is larger than API_MAX_BODY_BYTES.",
    415: "The request body is not JSON: send Content-Type: application/json.",
    429: "Too many requests; wait the number of seconds in Retry-After.",
    503: "The database is unavailable or took too long; try again shortly.",
}


class ErrorDetail(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Stable, machine-readable: invalid, not_found, conflict, ...")
    message = serializers.CharField(help_text="For people.")
    # DRF's metaclass pops declared fields off the class, so this never shadows Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        required=False, child=serializers.JSONField(),
        help_text="For invalid input: each field (or query parameter) with its messages.",
    )
    details = serializers.DictField(
        required=False, child=serializers.JSONField(), help_text="Structured extras of this error code.",
    )


class Error(serializers.Serializer[Any]):
    """The one error envelope of every 4xx and 5xx the API answers."""

    error = ErrorDetail()


class PlatformJWTScheme(SimpleJWTScheme):
    """Document PlatformJWTAuthentication as the bearer JWT scheme it is.

    drf-spectacular's simplejwt extension matches JWTAuthentication exactly, not its subclasses.
    """

    target_class = "sessions_app.api.authentication.PlatformJWTAuthentication"
    name = "jwtAuth"


ACTION_VERBS = {
    "list": "List", "retrieve": "Get", "create": "Create", "partial_update": "Update",
    "update": "Replace", "destroy": "Delete",
}
FLOW_PREFIXES = ("projects", "tech-spec")


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus: error responses, ids as UUIDs, a summary and a tag each."""

    def error_statuses(self) -> list[int]:
        statuses = {400, 503}  # every operation takes input (path, query or body) and reads PostgreSQL
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            statuses |= {401, 403}
        if self.view.get_throttles():
            statuses.add(429)
        if "{" in self.path:
            statuses.add(404)
        if self.method in UNSAFE_METHODS:
            statuses |= {409, 411, 413, 415}
        if isinstance(self.view.get_content_negotiator(), FormatNotOffered):
            statuses.add(406)
        return sorted(statuses)

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        envelope = self.resolve_serializer(Error, "response").ref
        for status in self.error_statuses():
            response = {
                "description": ERROR_DESCRIPTIONS[status],
                "content": {"application/json": {"schema": envelope}},
            }
            if status == 429:
                response["headers"] = {"Retry-After": {
                    "schema": {"type": "integer"}, "description": "Seconds until the limit lets requests through.",
                }}
            responses.setdefault(str(status), response)
        return responses

    def _map_serializer_field(self, field: serializers.Field[Any, Any, Any, Any], direction: str,
                              bypass_extensions: bool = False) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        # A required text input refuses "" and whitespace alone (DRF trims it): say so.
        if (direction == "request" and isinstance(field, serializers.CharField)
                and not isinstance(field, serializers.ChoiceField | serializers.UUIDField)
                and not field.allow_blank and schema.get("type") == "string"):
            schema.setdefault("minLength", 1)
            schema.setdefault("pattern", r"\S")
        return schema

    def _map_basic_serializer(self, serializer: serializers.Serializer[Any], direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        min_properties = getattr(serializer, "min_properties", None)  # set by some input serializers only
        if min_properties:
            schema["minProperties"] = min_properties
        return schema

    def _get_request_body(self, direction: str = "request") -> dict[str, Any] | None:
        body: dict[str, Any] | None = super()._get_request_body(direction)
        # drf-spectacular makes a PATCH body optional; a body that must name at least one field is not.
        if body and getattr(self.get_request_serializer(), "min_properties", None):
            body["required"] = True
        return body

    def _resolve_path_parameters(self, variables: list[str]) -> list[dict[str, Any]]:
        # Every id in this API's paths is a UUID, accepted in canonical form only (techspec_project.uuids).
        parameters: list[dict[str, Any]] = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            parameter["schema"] = {"type": "string", "format": "uuid"}
        return parameters

    def get_tags(self) -> list[str]:
        parts = [p for p in self.path.split("/") if p and p != "api"]
        if parts[0] in FLOW_PREFIXES:
            return ["tech-spec flow"]
        if parts[0] == "sessions" and len(parts) > 2 and not parts[2].startswith("{"):
            return [f"session {parts[2]}"]
        return [parts[0]]

    def get_summary(self) -> str:
        action = getattr(self.view, "action", None)
        handler = getattr(self.view, action or self.method.lower(), None)
        own_doc = get_doc(handler) if action not in ACTION_VERBS else ""
        if own_doc:
            return _first_sentence(own_doc)
        if action in ACTION_VERBS:
            noun = getattr(self.view, "basename", "").replace("-", " ")  # a viewset's: it has actions
            return f"{ACTION_VERBS[action]} {noun}" + ("s" if action == "list" and noun[-1] not in "hs" else "")
        return _first_sentence(get_doc(self.view.__class__))


def _first_sentence(text: str) -> str:
    line = text.strip().split("\n\n")[0].replace("\n", " ")
    return line.split(". ")[0].rstrip(".")

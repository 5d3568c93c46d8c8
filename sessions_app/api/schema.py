"""OpenAPI extensions for drf-spectacular: how our own classes appear in the schema."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.openapi import AutoSchema


class PlatformJWTScheme(SimpleJWTScheme):
    """Document PlatformJWTAuthentication as the bearer JWT scheme it is.

    drf-spectacular's simplejwt extension matches JWTAuthentication exactly, not its subclasses.
    """

    target_class = "sessions_app.api.authentication.PlatformJWTAuthentication"
    name = "jwtAuth"


class OwnPageSchema(AutoSchema):
    """For a `list` that returns its own page object (keyset page from a selector):
    document the response as that object, not as an array wrapped by a paginator."""

    def _is_list_view(self, serializer=None) -> bool:
        return False

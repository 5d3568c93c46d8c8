"""OpenAPI extensions for drf-spectacular: how our own classes appear in the schema."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class PlatformJWTScheme(SimpleJWTScheme):
    """Document PlatformJWTAuthentication as the bearer JWT scheme it is.

    drf-spectacular's simplejwt extension matches JWTAuthentication exactly, not its subclasses.
    """

    target_class = "sessions_app.api.authentication.PlatformJWTAuthentication"
    name = "jwtAuth"

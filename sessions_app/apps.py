from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    """The five tech-spec tables and the rules around them."""

    name = "sessions_app"
    verbose_name = "Tech Spec sessions"

    def ready(self) -> None:
        # Registers the SECRET_KEY deploy check (techspec_project is a package, not an app).
        from techspec_project import secret_key  # noqa: F401

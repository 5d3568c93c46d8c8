from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    """The five tech-spec tables and the rules around them."""

    name = "sessions_app"
    verbose_name = "Tech Spec sessions"

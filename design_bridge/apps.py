from django.apps import AppConfig


class DesignBridgeConfig(AppConfig):
    """Read-only mirrors of the Design Agent's shared.* tables."""

    name = "design_bridge"
    verbose_name = "Design Agent (shared schema)"

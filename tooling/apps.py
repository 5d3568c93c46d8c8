from django.apps import AppConfig


class ToolingConfig(AppConfig):
    """Registers the developer commands (seed_data, bench_queries, load_report, ...)."""

    name = "tooling"
    verbose_name = "Developer tooling"

#!/usr/bin/env python
"""Django's command-line utility for techspec."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techspec_project.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from techspec_project.embedded_db import EmbeddedDatabaseError

    try:
        # Load the settings first: Django's own loader swallows a settings error for some commands
        # (makemigrations) and fails later with AppRegistryNotReady, a traceback that hides the cause.
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018
        execute_from_command_line(sys.argv)
    except (EmbeddedDatabaseError, ImproperlyConfigured) as exc:
        # Configuration problems are the user's to fix: say what, not where in our code.
        sys.stderr.write(f"Error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()

"""Load fixtures/demo.json into an empty database, so `make run` shows data at once."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from sessions_app import selectors


class Command(BaseCommand):
    help = (
        "When the database has no tech-spec session yet and DESIGN_BRIDGE_MODE is bootstrap, load the demo "
        "fixture (fixtures/demo.json). Otherwise change nothing. Used by `make run`."
    )

    def handle(self, *args, **options):
        if selectors.session_list().exists():
            self.stdout.write("Sessions exist: demo data not loaded.")
            return
        if settings.DESIGN_BRIDGE_MODE != "bootstrap":
            # The fixture writes demo rows into shared.*, which in verify mode belong to the Design Agent.
            self.stdout.write("DESIGN_BRIDGE_MODE is verify: demo data not loaded (it would write shared.*).")
            return
        call_command("loaddata", "demo", verbosity=0)
        loaded = sum(selectors.session_counts_by_status().values())
        self.stdout.write(f"Loaded the demo data: {loaded} sessions.")

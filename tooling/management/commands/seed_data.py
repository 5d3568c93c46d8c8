"""`manage.py seed_data`: realistic, FK-correct tech-spec data at any scale, fast.

Thin on purpose: options, safety checks, output. Generation and loading live in
tooling.seeding (PostgreSQL generates the rows; see statements.py).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tooling.progress import ProgressStream
from tooling.seeding.config import SeedConfig
from tooling.seeding.progress import summary
from tooling.seeding.runner import SeedAlreadyPresent, SeedInterrupted, SeedResult, run_seed
from tooling.seeding.writer import NoDesignJobs

# Below this many sessions a second connection costs more than it saves.
PARALLEL_FROM = 20_000


class Command(BaseCommand):
    help = (
        "Fill the database with realistic tech-spec sessions and all their children (research, "
        "conversations, TRDs, error logs). In bootstrap mode it first creates completed stub design jobs "
        "(one per two sessions) in shared.*, marked so --clear can remove them; in verify mode it never "
        "writes shared.* and attaches sessions to existing completed design jobs. Each batch of sessions "
        "is one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=10, metavar="N",
                            help="Number of sessions to create (default: 10).")
        parser.add_argument("--research", type=float, default=3.0, metavar="AVG",
                            help="Average research items per session (default: 3).")
        parser.add_argument("--conversations", type=float, default=8.0, metavar="AVG",
                            help="Average conversation messages per session (default: 8).")
        parser.add_argument("--trds", type=float, default=0.6, metavar="AVG",
                            help="Average TRD documents per session (default: 0.6). Every completed session "
                                 "has at least one, so the share of completed sessions is at most this.")
        parser.add_argument("--errors", type=float, default=1.5, metavar="AVG",
                            help="Average agent error logs per session (default: 1.5).")
        parser.add_argument("--seed", type=int, default=None, metavar="S",
                            help="Random seed, 0..2147483647: the same seed gives the same rows "
                                 "(default: a random seed, printed in the summary).")
        parser.add_argument("--clear", action="store_true",
                            help="First delete every techspec row and the stub design jobs seeding created; "
                                 "other shared.* rows are never touched (default: off, add to existing data).")
        parser.add_argument("--batch-size", type=int, default=5000, metavar="N",
                            help="Sessions per transaction (default: 5000, rounded down to even).")
        parser.add_argument("--workers", type=int, default=None, metavar="W",
                            help=f"Database connections writing batches in parallel (default: 1 below "
                                 f"{PARALLEL_FROM:,} sessions, 2 from there).")
        parser.add_argument("--quiet", action="store_true",
                            help="No progress and no summary; errors only (default: off).")
        parser.add_argument("--json", action="store_true",
                            help="Print the summary as JSON on stdout instead of a table (default: off).")
        parser.add_argument("--force", action="store_true",
                            help="Run even though DEBUG is off (default: refuse, as it may be production).")

    def handle(self, *args, **opts):
        if not settings.DEBUG and not opts["force"]:
            raise CommandError(
                "DEBUG is off, so this may be a production database; seed_data writes (and with --clear "
                "deletes) rows in bulk. Re-run with --force if you mean it."
            )
        seed = opts["seed"] if opts["seed"] is not None else secrets.randbelow(2**31)
        config = SeedConfig(
            sessions=opts["sessions"], seed=seed, research=opts["research"],
            conversations=opts["conversations"], trds=opts["trds"], errors=opts["errors"],
            batch_size=opts["batch_size"],
        )
        problems = config.problems()
        workers = opts["workers"] or (2 if config.sessions >= PARALLEL_FROM else 1)
        if workers < 1:
            problems.append("--workers must be at least 1")
        if problems:
            raise CommandError("; ".join(problems) + ".")
        verify = settings.DESIGN_BRIDGE_MODE == "verify"
        try:
            result = run_seed(
                config, verify=verify, clear=opts["clear"], workers=workers,
                progress_stream=ProgressStream(self.stderr),
                show_progress=not (opts["quiet"] or opts["json"]),
            )
        except NoDesignJobs:
            raise CommandError(
                "DESIGN_BRIDGE_MODE is 'verify', so seed_data may not create design jobs, and shared.design_jobs "
                "has no completed job with all four required documents (prd, design_system, ux_flow, "
                "screen_specs) to attach sessions to. Let the Design Agent complete a job first, or seed a "
                "development database with DESIGN_BRIDGE_MODE=bootstrap."
            ) from None
        except SeedAlreadyPresent:
            raise CommandError(
                f"Sessions from seed {seed} are already in the database. Add --clear to replace them, "
                "or pick another --seed."
            ) from None
        except SeedInterrupted as stop:
            self._report(stop.result, opts)
            cause = stop.__cause__
            reason = "interrupted (Ctrl-C)" if isinstance(cause, KeyboardInterrupt) else f"failed: {cause}"
            r = stop.result
            raise CommandError(
                f"Seeding {reason}. Committed {r.sessions:,} of {r.sessions_requested:,} sessions "
                f"({r.batches} of {r.batches_total} batches, {r.total_rows:,} rows), each batch whole with all "
                "its children; the batches in progress were rolled back. Run again with --clear "
                f"--seed {seed} to start over."
            ) from None
        self._report(result, opts)

    def _report(self, result: SeedResult, opts: dict[str, Any]) -> None:
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        elif not opts["quiet"]:
            self.stdout.write(summary(result))

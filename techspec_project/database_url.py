"""Turn a DATABASE_URL into Django's DATABASES entry, including Unix-socket forms."""

from __future__ import annotations

from urllib.parse import quote, unquote

import environ


def database_config(url: str) -> dict:
    """Parse `url` with django-environ and normalise the socket-directory forms.

    libpq accepts a socket directory either as `?host=/path` or as a
    percent-encoded host (`postgresql://user@%2Fpath/db`); django-environ leaves
    the first in OPTIONS and the second encoded, and Django wants it in HOST.
    """
    config = environ.Env.db_url_config(url)
    options = config.setdefault("OPTIONS", {})
    if "host" in options:
        config["HOST"] = options.pop("host")
    if "port" in options:
        config["PORT"] = int(options.pop("port"))
    if isinstance(config.get("HOST"), str) and config["HOST"].startswith("%2F"):
        config["HOST"] = unquote(config["HOST"])
    return config


def server_url(settings_dict: dict, dbname: str) -> str:
    """A libpq URL for another database on the server `settings_dict` points at."""
    user = quote(settings_dict.get("USER") or "postgres")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}" if password else user
    host = settings_dict.get("HOST") or ""
    port = settings_dict.get("PORT") or ""
    if host.startswith("/"):
        url = f"postgresql://{auth}@/{dbname}?host={host}"
        return f"{url}&port={port}" if port else url
    return f"postgresql://{auth}@{host or 'localhost'}{':' + str(port) if port else ''}/{dbname}"


def ensure_database(admin_url: str, name: str) -> bool:
    """Create database `name` through `admin_url` unless it exists; True if this call created it."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return False  # another process created it between our check and our CREATE
        return True

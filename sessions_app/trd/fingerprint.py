"""A short fingerprint of the code and libraries behind a cached TRD rendering or diff."""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent


def code_fingerprint(*modules: str, packages: tuple[str, ...] = ()) -> str:
    """12 hex digits over the source of `modules` (files beside this one) and `packages`' versions."""
    digest = hashlib.sha256()
    for module in modules:
        digest.update((HERE / module).read_bytes())
    for package in packages:
        digest.update(f"{package}=={version(package)}".encode())
    return digest.hexdigest()[:12]

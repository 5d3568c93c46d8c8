"""The one development switch, DEBUG, and the environment every other module reads."""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer's own values; the process environment wins over the file.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless asked for: a deploy that forgets it gets production's values, not a development
# key and bootstrap migrations. The Makefile's development targets and the test settings set it.
DEBUG = env.bool("DEBUG", default=False)

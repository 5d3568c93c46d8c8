"""Test settings: development on, the real PostgreSQL, made faster without faking anything."""

import os

# The suite runs as development (bootstrap migrations, the development key, no pool, text logs),
# turned on here because the settings default to production. setdefault, not assignment: a test
# that starts a server as production passes DEBUG=false, and processes a test starts inherit this.
os.environ.setdefault("DEBUG", "true")

from techspec_project.settings import *  # noqa: F403
from techspec_project.settings import INSTALLED_APPS, MIDDLEWARE

# Hashing cost is not what the tests are about.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The debug toolbar is a development aid, never part of what tests exercise.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "debug_toolbar"]
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("debug_toolbar.")]

# Pruning throttle windows at random would make a request's query count random;
# tests/api/test_throttling.py turns it on where it is the subject.
API_RATE_PRUNE_EVERY = 0

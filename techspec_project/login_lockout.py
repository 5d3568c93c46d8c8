"""The admin login's brute-force lockout (django-axes), scoped to logins that come over HTTP."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class HttpLoginLockoutBackend(AxesStandaloneBackend):
    """Count and refuse failed logins per (IP, username); let request-less authenticate() through.

    A call without a request (a management command, the shell) is not a brute-force
    surface, and django-axes would refuse it outright rather than count it.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

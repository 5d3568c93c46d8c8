"""Create a local staff login for `make run` when none exists, and print its credentials once."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "With DEBUG on and no staff user yet, create the superuser 'admin' with a random password and print "
        "it once. Otherwise change nothing and print why (never a password)."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no local admin is created (use `manage.py createsuperuser`).")
            return
        users = get_user_model().objects
        staff = users.filter(is_staff=True).order_by("pk").values_list("username", flat=True).first()
        if staff is not None:
            self.stdout.write(f"Staff login exists ({staff}); log in at /admin/ with its password.")
            return
        if users.filter(username=USERNAME).exists():
            self.stdout.write(
                f"A user {USERNAME!r} exists but is not staff; run `manage.py createsuperuser` for a login."
            )
            return
        password = secrets.token_urlsafe(12)
        users.create_superuser(username=USERNAME, email="", password=password)
        self.stdout.write(self.style.SUCCESS("Created a local staff login for the admin (shown once):"))
        self.stdout.write(f"  username: {USERNAME}\n  password: {password}\n  url:      /admin/")

"""ensure_local_admin: a staff login for `make run`, created once, only with DEBUG on."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("ensure_local_admin", stdout=out)
    return out.getvalue()


def test_creates_a_superuser_whose_printed_password_works(settings):
    settings.DEBUG = True
    output = run()
    password = re.search(r"password: (\S+)", output).group(1)
    user = authenticate(username="admin", password=password)
    assert user is not None and user.is_staff and user.is_superuser
    assert len(password) >= 16


def test_second_run_creates_nothing_and_prints_no_password(settings):
    settings.DEBUG = True
    run()
    output = run()
    assert "password:" not in output
    assert get_user_model().objects.count() == 1


def test_an_existing_staff_user_is_left_alone(settings, django_user_model):
    settings.DEBUG = True
    django_user_model.objects.create_user("ops", password="pw-ops-123", is_staff=True)
    output = run()
    assert "ops" in output and "password:" not in output
    assert not django_user_model.objects.filter(username="admin").exists()


def test_nothing_is_created_when_debug_is_off(settings, django_user_model):
    settings.DEBUG = False
    output = run()
    assert "password:" not in output
    assert django_user_model.objects.count() == 0

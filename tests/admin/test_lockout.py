"""The admin login locks out an (IP, username) pair after repeated failures (django-axes)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "right-password-123"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("ops", password=PASSWORD, is_staff=True)


@pytest.fixture(autouse=True)
def _lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def login(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def logged_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_the_right_password_logs_staff_in(staff):
    client = Client()
    assert login(client, "ops", PASSWORD).status_code == 302
    assert logged_in(client)


def test_after_the_failure_limit_even_the_right_password_is_refused(staff):
    client = Client()
    statuses = [login(client, "ops", "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the limit-th failure locks

    response = login(client, "ops", PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)


def test_a_locked_out_username_does_not_lock_out_another_user(staff, django_user_model):
    django_user_model.objects.create_user("lead", password="lead-password-123", is_staff=True)
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        login(attacker, "ops", "wrong")

    colleague = Client()
    assert login(colleague, "lead", "lead-password-123").status_code == 302
    assert logged_in(colleague)


def test_failures_below_the_limit_do_not_lock(staff):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "ops", "wrong")
    assert login(client, "ops", PASSWORD).status_code == 302

"""Errors raised outside API views still answer API clients in the JSON error shape."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_unknown_api_url_is_a_json_404(settings):
    settings.DEBUG = False
    response = Client().get("/api/no-such-resource/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_a_crash_outside_a_view_is_a_json_500_without_a_traceback(settings, monkeypatch):
    settings.DEBUG = False
    from techspec_project import middleware

    def explode(self, request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(middleware.RequestBodyLimitMiddleware, "__call__", explode)
    response = Client(raise_request_exception=False).get("/api/sessions/")
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "server_error", "message": "Internal server error."}}
    assert b"secret internals" not in response.content


def test_pages_outside_the_api_keep_djangos_html_404(settings):
    settings.DEBUG = False
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")

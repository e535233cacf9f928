"""The health endpoint tells a load balancer whether this app server can serve."""

import pytest
from django.db import DatabaseError


@pytest.mark.django_db
def test_health_reports_ok_when_the_database_answers(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["databases"]["default"]["ok"] is True
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_reports_503_when_the_database_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["databases"]["default"] == {"ok": False, "error": "DatabaseError"}

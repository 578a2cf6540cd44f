"""`kefu token USER` prints a working token as the last line (design.md public interface)."""

from __future__ import annotations

from django.test import Client

from kefu.cli import main


def test_kefu_token_prints_a_token_that_authenticates(admin_user, capsys):
    code = main(["token", "admin"])

    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert code == 0
    response = Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == "admin"


def test_kefu_token_for_an_unknown_user_exits_2(db, capsys):
    code = main(["token", "nobody"])

    assert code == 2
    assert "no such active user" in capsys.readouterr().err

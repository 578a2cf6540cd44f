"""Token scopes: ``kefu token USER --scope read|write|admin`` (a full token by default), the
token page lets the user pick, a read token is refused any change (403 ``insufficient_scope``),
the administration needs an admin token, and a token never mints a wider one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kefu.accounts.models import ApiToken
from kefu.cli import main
from kefu.tickets.models import Ticket

NEW_TICKET = {
    "title": "咨询发货时间",
    "type": "consult",
    "channel": "phone",
    "customer_phone": "13677778888",
    "customer_name": "周九",
}


def _cli_token(capsys, *args) -> Client:
    assert main(["token", *args]) == 0
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(client: Client, path: str, data: dict):
    return client.post(path, data, content_type="application/json")


def test_a_read_token_reads_but_changes_nothing(agent, capsys):
    client = _cli_token(capsys, "agent", "--scope", "read")

    assert client.get("/api/v1/tickets").status_code == 200
    refused = _post(client, "/api/v1/tickets", NEW_TICKET)

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
    assert refused.json()["error"]["message"]
    assert not Ticket.objects.exists()
    assert ApiToken.objects.get(user=agent).scope == "read"


def test_a_read_token_cannot_patch_or_delete(agent, capsys):
    client = _cli_token(capsys, "agent", "--scope", "read")
    own = ApiToken.objects.get(user=agent)

    patched = client.patch("/api/v1/tickets/1", {"version": 1}, content_type="application/json")
    deleted = client.delete(f"/api/v1/accounts/tokens/{own.pk}")

    assert patched.status_code == deleted.status_code == 403
    assert deleted.json()["error"]["code"] == "insufficient_scope"
    own.refresh_from_db()
    assert own.revoked_at is None


def test_kefu_token_without_scope_is_still_a_full_token(agent, capsys):
    client = _cli_token(capsys, "agent")

    created = _post(client, "/api/v1/tickets", NEW_TICKET)

    assert created.status_code == 201, created.content
    assert ApiToken.objects.get(user=agent).scope == "admin"


def test_a_write_token_works_but_does_not_administer(manager, capsys):
    write = _cli_token(capsys, "manager", "--scope", "write")
    full = _cli_token(capsys, "manager", "--scope", "admin")

    assert _post(write, "/api/v1/tickets", NEW_TICKET).status_code in (201, 400)
    refused = write.get("/api/v1/webhooks")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
    assert full.get("/api/v1/webhooks").status_code == 200


def test_an_admin_scope_does_not_widen_the_role(agent, capsys):
    full = _cli_token(capsys, "agent", "--scope", "admin")

    answer = full.get("/api/v1/webhooks")

    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "permission_denied"


def test_a_token_cannot_make_a_wider_token(agent, capsys):
    write = _cli_token(capsys, "agent", "--scope", "write")

    wider = _post(write, "/api/v1/accounts/tokens", {"name": "更大", "scope": "admin"})
    narrower = _post(write, "/api/v1/accounts/tokens", {"name": "只读", "scope": "read"})
    same = _post(write, "/api/v1/accounts/tokens", {"name": "默认"})

    assert wider.status_code == 403
    assert wider.json()["error"]["code"] == "insufficient_scope"
    assert narrower.status_code == 201 and narrower.json()["scope"] == "read"
    assert same.status_code == 201 and same.json()["scope"] == "write"
    assert sorted(ApiToken.objects.filter(user=agent).values_list("scope", flat=True)) == [
        "read",
        "write",
        "write",
    ]


def test_an_unknown_scope_is_refused(agent, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["token", "agent", "--scope", "everything"])

    assert exit_.value.code == 2
    assert not ApiToken.objects.exists()


def test_the_token_page_lets_the_user_pick_the_scope(web_as, agent):
    client = web_as(agent)
    page = client.get(reverse("accounts:me"))
    assert 'name="scope"' in page.content.decode()

    answer = client.post(reverse("accounts:token_create"), {"name": "报表", "scope": "read"})

    assert answer.status_code == 200
    token = ApiToken.objects.get(user=agent)
    assert token.scope == "read"
    raw = answer.context["raw_token"]
    reader = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert _post(reader, "/api/v1/tickets", NEW_TICKET).status_code == 403
    assert "Read only" in client.get(reverse("accounts:me")).content.decode()


def test_the_token_page_speaks_chinese(web_as, agent):
    page = web_as(agent).get(reverse("accounts:me"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "只读" in page.content.decode()

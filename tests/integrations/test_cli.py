"""``kefu webhooks add|list|deliver`` (stable: outside checks use them exactly)."""

from __future__ import annotations

import json

import pytest

from kefu.cli import main
from kefu.core import events
from kefu.integrations.models import WebhookSubscription

from .receiver import Receiver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synthetic_events")]


def test_add_prints_the_id_and_the_secret(org, capsys):
    code = main(
        [
            "webhooks",
            "add",
            "--line",
            str(org.shop.pk),
            "--url",
            "https://example.com/in",
            "--events",
            "ticket.created,ticket.updated",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and set(out) == {"id", "secret"}
    sub = WebhookSubscription.objects.get(pk=out["id"])
    assert sub.secret == out["secret"] and sub.events == ["ticket.created", "ticket.updated"]
    assert sub.business_line == org.shop and sub.active


def test_add_keeps_a_given_secret(org, capsys):
    main(
        [
            "webhooks",
            "add",
            "--line",
            str(org.shop.pk),
            "--url",
            "http://127.0.0.1:8080/x",
            "--events",
            "customer.created",
            "--secret",
            "s3cret-s3cret-s3cret",
        ]
    )
    assert json.loads(capsys.readouterr().out)["secret"] == "s3cret-s3cret-s3cret"


@pytest.mark.parametrize(
    "args",
    [
        ["--line", "999999", "--url", "https://example.com/in", "--events", "ticket.created"],
        ["--line", "LINE", "--url", "ftp://example.com/in", "--events", "ticket.created"],
        ["--line", "LINE", "--url", "https://example.com/in", "--events", "ticket.nope"],
        ["--line", "LINE", "--url", "https://example.com/in", "--events", ","],
        [
            "--line",
            "LINE",
            "--url",
            "https://example.com/in",
            "--events",
            "ticket.created",
            "--secret",
            "short",
        ],
    ],
)
def test_bad_input_exits_2_with_a_message_and_adds_nothing(org, capsys, args):
    args = [str(org.shop.pk) if a == "LINE" else a for a in args]
    assert main(["webhooks", "add", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "error" in captured.err
    assert not WebhookSubscription.objects.exists()


def test_list_json_and_deliver(org, capsys):
    with Receiver("cli-secret-0123456789") as receiver:
        main(
            [
                "webhooks",
                "add",
                "--line",
                "shop",
                "--url",
                receiver.url,
                "--events",
                "customer.created",
                "--secret",
                "cli-secret-0123456789",
            ]
        )
        capsys.readouterr()
        assert main(["webhooks", "list", "--json"]) == 0
        (item,) = json.loads(capsys.readouterr().out)["items"]
        assert item["url"] == receiver.url and item["active"] is True
        event = events.publish(
            "customer.created", object_id=1, business_line_id=org.shop.pk, payload={"name": "张三"}
        )
        assert main(["webhooks", "deliver", "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == {"delivered": 1}
        assert receiver.event_ids() == [str(event.uid)] and receiver.requests[0]["verified"]
        assert main(["webhooks", "deliver"]) == 0
        assert "Nothing due" in capsys.readouterr().out

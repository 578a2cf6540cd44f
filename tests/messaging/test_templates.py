"""Issue 17 §4: one interface sends a text *or a template with variables* — the line's SMS
templates (policy ``sms_templates``: the provider's template code → its approved text with
``{variables}``). The generic HTTP provider receives the code and the variables (and the text
they make); the outbox keeps the text, so length, signature and quota work as for any text;
the CLI and the API take a template; a missing or unknown variable or template is bad input
(400 / exit 2) and nothing is stored."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from kefu.channels.messaging import outbox, rules
from kefu.channels.messaging.models import OutboundMessage, Status
from kefu.cli import main
from kefu.core.errors import Invalid

pytestmark = pytest.mark.django_db
SHIPPED = "您的订单{order}已发货，快递单号{tracking}。"


@pytest.fixture
def templates(org):
    org.shop.policies = {**org.shop.policies, "sms_templates": {"SMS_SHIPPED": SHIPPED}}
    org.shop.save(update_fields=["policies"])
    return org.shop


def test_fill_template_names_what_is_missing_or_extra():
    assert rules.template_variables(SHIPPED) == ["order", "tracking"]
    text = rules.fill_template(SHIPPED, {"order": "TB1001", "tracking": "SF123"})
    assert text == "您的订单TB1001已发货，快递单号SF123。"
    with pytest.raises(ValueError, match="tracking"):
        rules.fill_template(SHIPPED, {"order": "TB1001"})
    with pytest.raises(ValueError, match="coupon"):
        rules.fill_template(SHIPPED, {"order": "1", "tracking": "2", "coupon": "3"})
    # only plain names are variables: no attribute or index access into a value
    assert rules.fill_template("{a.__class__}{b[0]}", {}) == "{a.__class__}{b[0]}"


def test_the_http_provider_gets_the_template_code_and_its_variables(templates, settings):
    seen = {}

    class Provider(BaseHTTPRequestHandler):
        def do_POST(self):
            seen["body"] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            answer = json.dumps({"id": "prov-7", "status": "sent"}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    settings.KEFU_SMS_BACKEND = "http"
    settings.KEFU_SMS_URL = f"http://127.0.0.1:{server.server_address[1]}/sms"
    variables = {"order": "TB1001", "tracking": "SF123"}
    row = outbox.send(
        to="13800138000",
        template="SMS_SHIPPED",
        variables=variables,
        business_line=templates,
        kind="notice",
    )
    thread.join(timeout=10)
    server.server_close()
    assert row.status == Status.SENT and row.provider_id == "prov-7"
    assert seen["body"]["template"] == "SMS_SHIPPED" and seen["body"]["variables"] == variables
    # the row keeps the text the template makes, signed and with the opt-out, and its parts
    assert row.text == "【网店】您的订单TB1001已发货，快递单号SF123。 回复TD退订"
    assert seen["body"]["text"] == row.text and row.parts == 1
    assert (row.template, row.variables) == ("SMS_SHIPPED", variables)


def test_a_bad_template_send_is_refused_and_stores_nothing(templates, supervisor, api_as):
    with pytest.raises(Invalid):
        outbox.send(
            to="13800138000",
            template="SMS_SHIPPED",
            variables={"order": "1"},
            business_line=templates,
        )
    with pytest.raises(Invalid):
        outbox.send(to="13800138000", template="SMS_NONE", variables={}, business_line=templates)
    assert not OutboundMessage.objects.exists()
    api = api_as(supervisor)
    bad = api.post(
        "/api/v1/channels/send",
        {"to": "13800138000", "template": "SMS_SHIPPED", "variables": {"order": "1"}},
    )
    assert bad.status_code == 400 and "tracking" in bad.json()["error"]["message"]
    good = api.post(
        "/api/v1/channels/send",
        {
            "to": "13800138000",
            "template": "SMS_SHIPPED",
            "variables": {"order": "TB1001", "tracking": "SF123"},
        },
    )
    assert good.status_code == 201 and good.json()["status"] == "sent"
    assert OutboundMessage.objects.get().template == "SMS_SHIPPED"


def test_cli_sends_a_template_and_refuses_bad_input_with_exit_2(templates, capsys):
    argv = ["sms", "send", "--to", "13800138000", "--line", "shop", "--json"]
    code = main(
        [*argv, "--template", "SMS_SHIPPED", "--var", "order=TB1001", "--var", "tracking=SF1"]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"id", "status", "parts"} and out["status"] == "sent"
    assert main([*argv, "--template", "SMS_SHIPPED", "--var", "order=TB1001"]) == 2
    assert "tracking" in capsys.readouterr().err
    assert main([*argv, "--template", "SMS_SHIPPED", "--var", "order"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err
    assert main([*argv, "--text", "您好", "--template", "SMS_SHIPPED"]) == 2
    assert main(argv) == 2
    assert OutboundMessage.objects.count() == 1

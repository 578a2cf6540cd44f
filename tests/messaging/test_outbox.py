"""The SMS outbox: signature, parts, opt-out, daily quota, quiet hours, provider failures."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from kefu.channels.messaging import outbox
from kefu.channels.messaging.models import OptOut, OutboundMessage, Status
from kefu.core.errors import Invalid
from kefu.core.sms import send_sms


class BrokenSMS:
    def send(self, phone, text):
        raise OSError("provider down")


class FlakySMS:
    """Down for its first ``failures`` sends, then up."""

    failures = 1
    calls = 0

    def send(self, phone, text):
        FlakySMS.calls += 1
        if FlakySMS.calls <= FlakySMS.failures:
            raise OSError("provider down")


def test_send_signs_counts_parts_and_records_care1(org):
    row = outbox.send(to="138 0013 8000", text="您的订单已发货" * 12, business_line=org.shop)
    assert row.status == Status.SENT and row.provider_id.startswith("log-")
    assert row.text.startswith("【网店】") and row.recipient == "13800138000"
    assert row.parts == 2  # 4 + 84 characters: over 70, two parts of 67


def test_reminders_carry_opt_out_and_an_opted_out_phone_gets_none_pay6(org):
    row = outbox.send(to="13800138000", text="请尽快付款", business_line=org.shop, kind="reminder")
    assert row.text.endswith("回复TD退订")
    OptOut.objects.create(business_line=org.shop, recipient="13800138000")
    refused = outbox.send(
        to="13800138000", text="请尽快付款", business_line=org.shop, kind="reminder"
    )
    assert refused.status == Status.REFUSED
    reply = outbox.send(to="13800138000", text="已为您处理", business_line=org.shop, kind="reply")
    assert reply.status == Status.SENT


def test_daily_quota_per_recipient(org, settings):
    settings.KEFU_MESSAGE_DAILY_QUOTA = 2
    statuses = [
        outbox.send(to="13800138000", text="通知", business_line=org.shop).status for _ in range(3)
    ]
    assert statuses == [Status.SENT, Status.SENT, Status.REFUSED]
    assert outbox.send(to="13900139000", text="通知", business_line=org.shop).status == Status.SENT


def test_quiet_hours_hold_then_release(org):
    now = timezone.localtime()
    start = (now - dt.timedelta(minutes=5)).strftime("%H:%M")
    end = (now + dt.timedelta(minutes=30)).strftime("%H:%M")
    org.shop.policies = {**org.shop.policies, "quiet_hours": f"{start}-{end}"}
    org.shop.save(update_fields=["policies"])
    row = outbox.send(to="13800138000", text="晚上好", business_line=org.shop)
    assert row.status == Status.HELD and row.send_after > now
    assert outbox.release_held(now=timezone.now()) == 0
    assert outbox.release_held(now=row.send_after + dt.timedelta(seconds=1)) == 1
    assert OutboundMessage.objects.get(pk=row.pk).status == Status.SENT


def test_provider_failure_is_recorded_and_core_send_raises(org, settings):
    settings.KEFU_SMS_BACKEND = f"{__name__}.BrokenSMS"
    row = outbox.send(to="13800138000", text="通知", business_line=org.shop)
    assert row.status == Status.FAILED and "provider down" in row.error
    with pytest.raises(OSError):
        send_sms("13800138000", "【网店】您好")
    assert OutboundMessage.objects.filter(status=Status.FAILED).count() == 2


def test_file_backend_writes_one_json_line(org, settings, tmp_path):
    settings.KEFU_SMS_BACKEND = "file"
    settings.KEFU_SMS_FILE = str(tmp_path / "sms.jsonl")
    row = outbox.send(to="13800138000", text="您好", business_line=org.shop)
    line = json.loads((tmp_path / "sms.jsonl").read_text(encoding="utf-8"))
    assert line == {"id": row.provider_id, "to": "13800138000", "text": "【网店】您好"}


def test_bad_input_changes_nothing(org):
    with pytest.raises(Invalid):
        outbox.send(to="12", text="您好", business_line=org.shop)
    with pytest.raises(Invalid):
        outbox.send(to="13800138000", text="  ", business_line=org.shop)
    assert not OutboundMessage.objects.exists()


def test_cli_sms_send_prints_id_status_parts(org, capsys):
    from kefu.cli import main

    assert (
        main(["sms", "send", "--to", "13800138000", "--text", "您好", "--line", "shop", "--json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"id", "status", "parts"} and out["status"] == "sent"
    assert main(["sms", "send", "--to", "12", "--text", "您好"]) == 2
    assert "phone" in capsys.readouterr().err
    assert main(["sms", "send", "--to", "13800138000", "--text", "x", "--line", "nope"]) == 2


def test_http_provider_gets_a_signed_post_and_its_id_is_kept(org, settings):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from kefu.channels.messaging import signing

    seen = {}

    class Provider(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen["body"] = json.loads(body)
            seen["ok"] = signing.check(
                "provider-secret",
                self.headers["X-Kefu-Timestamp"],
                body,
                self.headers["X-Kefu-Signature"],
                now=float(self.headers["X-Kefu-Timestamp"]),
            )
            answer = json.dumps({"id": "prov-42", "status": "sent"}).encode()
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
    settings.KEFU_SMS_SECRET = "provider-secret"
    row = outbox.send(to="13800138000", text="您好", business_line=org.shop)
    thread.join(timeout=10)
    server.server_close()
    assert row.status == Status.SENT and row.provider_id == "prov-42" and row.backend == "http"
    assert seen["body"] == {"to": "13800138000", "text": "【网店】您好"} and seen["ok"] is None


def test_a_batch_keeps_the_quota_opt_out_and_failure_rules_of_one_send(org, settings):
    """``send_sms_many`` (payment reminders): a recipient named three times with a quota of 2
    gets two, an opted-out one none, and a provider failure is recorded on each row."""
    from kefu.core.sms import send_sms_many

    settings.KEFU_MESSAGE_DAILY_QUOTA = 2
    OptOut.objects.create(business_line=org.shop, recipient="13900000002")
    batch = [("13900000001", "请尽快付款")] * 3 + [("13900000002", "请尽快付款")]
    send_sms_many(batch, business_line_id=org.shop.pk, kind="reminder")
    rows = list(OutboundMessage.objects.order_by("id").values_list("recipient", "status"))
    assert rows == [
        ("13900000001", Status.SENT),
        ("13900000001", Status.SENT),
        ("13900000001", Status.REFUSED),
        ("13900000002", Status.REFUSED),
    ]
    settings.KEFU_SMS_BACKEND = f"{__name__}.BrokenSMS"
    send_sms_many([("13900000003", "请尽快付款")], business_line_id=org.shop.pk, kind="reminder")
    failed = OutboundMessage.objects.get(recipient="13900000003")
    assert failed.status == Status.FAILED and "provider down" in failed.error


def test_im_goes_through_the_same_generic_webhook_adapter_signed_ch1(org, settings):
    """旺旺/千牛 and WeChat messages leave by the generic webhook adapter (``KEFU_IM_URL``, signed
    with ``KEFU_IM_SECRET``); the provider's id is kept on the row."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from kefu.channels.messaging import signing

    seen = {}

    class Provider(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen["body"] = json.loads(body)
            seen["signed"] = signing.check(
                "im-secret",
                self.headers["X-Kefu-Timestamp"],
                body,
                self.headers["X-Kefu-Signature"],
                now=float(self.headers["X-Kefu-Timestamp"]),
            )
            answer = json.dumps({"id": "ww-9", "status": "sent"}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    settings.KEFU_IM_URL = f"http://127.0.0.1:{server.server_address[1]}/im"
    settings.KEFU_IM_SECRET = "im-secret"
    row = outbox.send(
        to="旺旺-tb123", text="您好，已为您补发", channel="im", business_line=org.shop
    )
    thread.join(timeout=10)
    server.server_close()
    assert row.status == Status.SENT and row.provider_id == "ww-9" and row.backend == "http"
    assert (
        seen["body"] == {"to": "旺旺-tb123", "text": "您好，已为您补发"} and seen["signed"] is None
    )


def test_a_failed_notice_is_tried_again_after_its_back_off_nothing_lost(org, settings):
    """Issue 17: outbound sends are retried. A provider failure is tried again by the
    five-minute job after 5 minutes (then 15, 60; 4 attempts); a reply's SMS is not (its failure
    shows on the reply, which the agent retries)."""
    settings.KEFU_SMS_BACKEND = f"{__name__}.FlakySMS"
    FlakySMS.calls, FlakySMS.failures = 0, 1
    row = outbox.send(to="13800138000", text="您的包裹已到驿站", business_line=org.shop)
    assert (row.status, row.attempts) == (Status.FAILED, 1) and "provider down" in row.error
    assert outbox.release_held(now=timezone.now() + dt.timedelta(minutes=3)) == 0
    assert outbox.release_held(now=timezone.now() + dt.timedelta(minutes=6)) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, FlakySMS.calls) == (Status.SENT, 2, 2)
    assert outbox.release_held(now=timezone.now() + dt.timedelta(hours=2)) == 0  # sent once
    # a provider down for good: four attempts, then it stays failed
    FlakySMS.calls, FlakySMS.failures = 0, 99
    down = outbox.send(to="13800138001", text="您的包裹已到驿站", business_line=org.shop)
    for minutes in (6, 22, 83, 200, 400):
        outbox.release_held(now=timezone.now() + dt.timedelta(minutes=minutes))
    down.refresh_from_db()
    assert (down.status, down.attempts, down.send_after) == (Status.FAILED, 4, None)

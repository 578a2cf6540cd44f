"""Platform disputes (客户维权, 淘宝小二介入; CMP-11): a refused return the buyer takes to the
platform — the negotiation logged contact by contact, then the appeal pack (进货凭证, 品牌授权,
reasons, chat logs) within the attachment limits, then the outcome and the amount — on the
pages, the API and the CLI, with their refusals (nothing changed)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.commerce import dispute_selectors
from kefu.commerce.models import Dispute, DisputeContact, DisputeEvidence
from kefu.commerce.services import disputes, returns
from kefu.commerce.team_selectors import registers_for
from kefu.core.errors import Conflict, Invalid, StaleWrite
from kefu.core.models import AuditEvent

from .conftest import at

pytestmark = pytest.mark.django_db


def _refused(make_orders, agent, order_id="DSP1", amount=399):
    order = make_orders(
        [
            (
                order_id,
                "2026-11-11 10:00:00",
                amount,
                {"paid_at": "2026-11-11 10:05:00", "delivered_at": "2026-11-13 15:00:00"},
            )
        ]
    )[order_id]
    ret = returns.return_request(
        actor=agent, order=order, reason="不想要了", requested_at=at("2026-11-15 09:00:00")
    )
    for step, extra in (
        ("approve", {}),
        ("receive", {}),
        ("inspect", {"intact": False, "note": "吊牌已剪、有洗涤痕迹"}),
        ("refuse", {}),
    ):
        ret = returns.return_step(
            actor=agent, ret=ret, version=ret.version, step=step, at=timezone.now(), **extra
        )
    return ret


def _file(name="proof.pdf", body=b"%PDF-1.4 proof"):
    return SimpleUploadedFile(name, body)


def test_the_whole_dispute_on_the_pages(web_as, agent, make_orders):
    ret = _refused(make_orders, agent)
    client = web_as(agent)
    page = client.get(f"/commerce/returns/{ret.pk}/").content.decode()
    assert 'id="dispute-open-form"' in page
    response = client.post(
        f"/commerce/returns/{ret.pk}/dispute/", {"version": ret.version, "case_no": "TB-778899"}
    )
    d = Dispute.objects.get(ret=ret)
    assert response["Location"] == f"/commerce/disputes/{d.pk}/"
    ret.refresh_from_db()
    assert ret.status == "disputed"
    assert (d.stage, d.platform_case_no, d.opened_by) == ("negotiating", "TB-778899", agent)

    # the negotiation, contact by contact
    for offer, answer in (
        ("部分退款 50 元", "不同意，要求全额退款"),
        ("部分退款 120 元", "仍不同意"),
    ):
        d.refresh_from_db()
        client.post(
            f"/commerce/disputes/{d.pk}/contact/",
            {"version": d.version, "channel": "phone", "offer": offer, "answer": answer},
        )
    assert list(DisputeContact.objects.values_list("offer", "answer", "channel")) == [
        ("部分退款 50 元", "不同意，要求全额退款", "phone"),
        ("部分退款 120 元", "仍不同意", "phone"),
    ]
    # the pack is incomplete: the appeal is refused, naming what is missing
    d.refresh_from_db()
    page = client.post(
        f"/commerce/disputes/{d.pk}/appeal/",
        {"version": d.version, "reasons": "商品已洗涤，不符合七天无理由退货条件"},
        follow=True,
    ).content.decode()
    assert "The appeal pack is not complete" in page and "purchase proof" in page
    d.refresh_from_db()
    assert d.stage == "negotiating" and d.appealed_at is None
    for kind, name in (
        ("purchase", "进货发票.pdf"),
        ("brand", "品牌授权书.jpg"),
        ("chat", "旺旺聊天.png"),
    ):
        client.post(f"/commerce/disputes/{d.pk}/evidence/", {"kind": kind, "file": _file(name)})
    assert sorted(DisputeEvidence.objects.values_list("kind", flat=True)) == [
        "brand",
        "chat",
        "purchase",
    ]
    evidence = DisputeEvidence.objects.get(kind="purchase")
    download = client.get(f"/commerce/disputes/{d.pk}/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 proof"
    d.refresh_from_db()
    client.post(
        f"/commerce/disputes/{d.pk}/appeal/",
        {"version": d.version, "reasons": "商品已洗涤，不符合七天无理由退货条件"},
    )
    d.refresh_from_db()
    assert d.stage == "appealing" and d.appealed_by == agent
    # the platform decided against the shop: lost, ¥150 paid to the buyer
    client.post(
        f"/commerce/disputes/{d.pk}/close/",
        {"version": d.version, "outcome": "lost", "amount": "150"},
    )
    d.refresh_from_db()
    assert (d.stage, d.outcome, str(d.amount)) == ("closed", "lost", "150.00")
    listed = client.get("/commerce/disputes/?all=1").content.decode()
    assert f'data-dispute="{d.pk}"' in listed
    assert 'data-figure="lost">1<' in listed and "¥150.00" in listed
    actions = set(AuditEvent.objects.filter(object_id=d.pk).values_list("action", flat=True))
    assert {
        "commerce.dispute_open",
        "commerce.dispute_contact",
        "commerce.dispute_evidence",
        "commerce.dispute_appeal",
        "commerce.dispute_close",
    } <= actions
    # 客户维权: the daily register of the day lists it
    regs = {c: rows for c, _t, rows in registers_for(user=agent, day=timezone.localdate())}
    assert [r.order_no for r in regs["dispute"]] == ["DSP1"]
    assert "TB-778899" in regs["dispute"][0].detail and regs["dispute"][0].status == "Closed"


def test_refusals_change_nothing(agent, make_orders, org, settings):
    ret = _refused(make_orders, agent)
    with pytest.raises(StaleWrite):
        disputes.dispute_open(actor=agent, ret=ret, version=ret.version - 1)
    d = disputes.dispute_open(actor=agent, ret=ret, version=ret.version)
    ret.refresh_from_db()
    with pytest.raises(Conflict):  # a second dispute of the same return
        disputes.dispute_open(actor=agent, ret=ret, version=ret.version)
    with pytest.raises(Invalid):
        disputes.contact_add(
            actor=agent, dispute=d, version=d.version, channel="fax", offer="x", answer="y"
        )
    with pytest.raises(Invalid):
        disputes.contact_add(
            actor=agent, dispute=d, version=d.version, channel="im", offer=" ", answer="y"
        )
    with pytest.raises(Invalid):  # in the future
        disputes.contact_add(
            actor=agent,
            dispute=d,
            version=d.version,
            channel="im",
            offer="x",
            answer="y",
            at=timezone.now() + timezone.timedelta(days=1),
        )
    with pytest.raises(StaleWrite):
        disputes.contact_add(
            actor=agent, dispute=d, version=d.version + 5, channel="im", offer="x", answer="y"
        )
    assert not DisputeContact.objects.exists()
    with pytest.raises(Invalid):
        disputes.evidence_add(actor=agent, dispute=d, kind="purchase", upload=_file("a.exe"))
    with pytest.raises(Invalid):
        disputes.evidence_add(actor=agent, dispute=d, kind="selfie", upload=_file())
    org.shop.policies = {**org.shop.policies, "attachment_max_bytes": 10}
    org.shop.save()
    d = dispute_selectors.dispute_get_for(user=agent, pk=d.pk)
    with pytest.raises(Invalid):
        disputes.evidence_add(actor=agent, dispute=d, kind="purchase", upload=_file())
    assert not DisputeEvidence.objects.exists()
    with pytest.raises(Conflict):  # the platform decides on an appeal pack only
        disputes.dispute_close(actor=agent, dispute=d, version=d.version, outcome="won")
    with pytest.raises(Invalid):
        disputes.appeal_submit(actor=agent, dispute=d, version=d.version, reasons="理由")
    d.refresh_from_db()
    assert (d.stage, d.outcome) == ("negotiating", "")
    # withdrawn by the buyer, before any appeal: allowed, amount optional
    disputes.dispute_close(actor=agent, dispute=d, version=d.version, outcome="withdrawn")
    with pytest.raises(Conflict):
        disputes.contact_add(
            actor=agent, dispute=d, version=d.version, channel="im", offer="x", answer="y"
        )


def test_outcome_amounts(agent, make_orders):
    d = disputes.dispute_open(
        actor=agent, ret=(r := _refused(make_orders, agent, amount=200)), version=r.version
    )
    disputes.contact_add(
        actor=agent, dispute=d, version=d.version, channel="im", offer="换货", answer="不同意"
    )
    for kind in ("purchase", "chat"):
        disputes.evidence_add(actor=agent, dispute=d, kind=kind, upload=_file(f"{kind}.pdf"))
    disputes.appeal_submit(actor=agent, dispute=d, version=d.version, reasons="商品非完好")
    with pytest.raises(Conflict):  # the pack is closed once submitted
        disputes.evidence_add(actor=agent, dispute=d, kind="other", upload=_file())
    for outcome, amount in (("lost", None), ("lost", "0"), ("lost", "200.01"), ("won", "5"),
                            ("lost", "abc"), ("draw", "1")):  # fmt: skip
        with pytest.raises(Invalid):
            disputes.dispute_close(
                actor=agent, dispute=d, version=d.version, outcome=outcome, amount=amount
            )
    d.refresh_from_db()
    assert d.stage == "appealing"
    disputes.dispute_close(actor=agent, dispute=d, version=d.version, outcome="won")
    d.refresh_from_db()
    assert (d.outcome, d.amount) == ("won", 0)


def test_api_flow_and_scope(api_as, agent, wy_agent, make_orders):
    ret = _refused(make_orders, agent)
    api = api_as(agent)
    assert api.post(f"/api/v1/commerce/returns/{ret.pk}/dispute", {"version": 1}).status_code == 409
    opened = api.post(
        f"/api/v1/commerce/returns/{ret.pk}/dispute", {"version": ret.version, "case_no": "TB1"}
    )
    assert opened.status_code == 201, opened.content
    d = opened.json()
    assert (d["stage"], d["return_id"], d["missing_for_appeal"]) == (
        "negotiating",
        ret.pk,
        ["contact", "purchase", "chat"],
    )
    r = api.post(
        f"/api/v1/commerce/disputes/{d['id']}/contacts",
        {"version": d["version"], "channel": "im", "offer": "退 50 元", "answer": "同意考虑"},
    )
    assert r.status_code == 201 and len(r.json()["contacts"]) == 1
    version = r.json()["version"]
    up = api.client.post(
        f"/api/v1/commerce/disputes/{d['id']}/evidence",
        {"kind": "purchase", "file": _file("invoice.pdf")},
    )
    assert up.status_code == 201 and up.json()["missing_for_appeal"] == ["chat"]
    eid = up.json()["evidence"][0]["id"]
    got = api.get(f"/api/v1/commerce/disputes/{d['id']}/evidence/{eid}")
    assert got.status_code == 200
    bad = api.post(
        f"/api/v1/commerce/disputes/{d['id']}/appeal", {"version": version, "reasons": "理由"}
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "appeal_incomplete"
    closed = api.post(
        f"/api/v1/commerce/disputes/{d['id']}/outcome",
        {"version": version, "outcome": "withdrawn", "amount": "50"},
    )
    assert closed.status_code == 200
    assert (closed.json()["outcome"], closed.json()["amount"]) == ("withdrawn", "50.00")
    assert api.get("/api/v1/commerce/disputes").json()["items"] == []
    assert len(api.get("/api/v1/commerce/disputes", {"open": "false"}).json()["items"]) == 1
    other = api_as(wy_agent)
    # another line: refused at the desk (403) or not found (404), never the dispute
    assert other.get(f"/api/v1/commerce/disputes/{d['id']}").status_code in (403, 404)
    assert other.get(f"/api/v1/commerce/disputes/{d['id']}/evidence/{eid}").status_code in (
        403,
        404,
    )


def _cli(capsys, *argv):
    from kefu.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else out), err


def test_cli_flow_and_a_stale_version(capsys, agent, make_orders, tmp_path):
    ret = _refused(make_orders, agent)
    u = ("--user", agent.username)
    code, d, err = _cli(
        capsys, "returns", "dispute-open", *u, "--return", str(ret.pk), "--version",
        str(ret.version), "--case-no", "TB9", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert d["stage"] == "negotiating" and d["platform_case_no"] == "TB9"
    code, d2, err = _cli(
        capsys, "returns", "dispute-contact", *u, "--dispute", str(d["id"]), "--version",
        str(d["version"]), "--channel", "phone", "--offer", "补偿 30 元", "--answer", "不接受",
        "--at", "2026-12-01 10:00:00",
    )  # fmt: skip
    assert code == 0, err
    assert d2["contacts"][0]["offer"] == "补偿 30 元"
    code, _out, err = _cli(
        capsys, "returns", "dispute-contact", *u, "--dispute", str(d["id"]), "--version",
        str(d["version"]), "--channel", "phone", "--offer", "x", "--answer", "y",
    )  # fmt: skip
    assert code == 2 and "Someone else changed this record" in err
    assert DisputeContact.objects.count() == 1
    for kind in ("purchase", "chat"):
        f = tmp_path / f"{kind}.pdf"
        f.write_bytes(b"%PDF")
        code, d3, err = _cli(
            capsys, "returns", "dispute-evidence", *u, "--dispute", str(d["id"]), "--kind", kind,
            "--file", str(f),
        )  # fmt: skip
        assert code == 0, err
    code, _out, err = _cli(
        capsys, "returns", "dispute-evidence", *u, "--dispute", str(d["id"]), "--kind", "chat",
        "--file", str(tmp_path / "missing.pdf"),
    )  # fmt: skip
    assert code == 2 and "no such file" in err
    code, d4, err = _cli(
        capsys, "returns", "dispute-appeal", *u, "--dispute", str(d["id"]), "--version",
        str(d3["version"]), "--reasons", "商品已洗涤",
    )  # fmt: skip
    assert code == 0, err
    assert d4["stage"] == "appealing"
    code, d5, err = _cli(
        capsys, "returns", "dispute-close", *u, "--dispute", str(d["id"]), "--version",
        str(d4["version"]), "--outcome", "lost", "--amount", "99.5",
    )  # fmt: skip
    assert code == 0, err
    assert (d5["outcome"], d5["amount"]) == ("lost", "99.50")
    code, listed, err = _cli(capsys, "returns", "disputes", *u, "--all", "--json")
    assert code == 0 and [i["id"] for i in listed["items"]] == [d["id"]]
    code, _out, err = _cli(capsys, "returns", "disputes", "--user", "nobody")
    assert code == 2 and "unknown user" in err

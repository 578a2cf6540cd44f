"""/api/v1/property and ``kefu property``: the households' e-archive (ARC-9) and the rental
register (PM-X5) outside the pages. The catalogue searches and pages by cursor, a household
shows its owner's phone masked to an agent, filing keeps the attachment limits, only a
supervisor withdraws; the register gives its completeness, a stale version is 409 and changes
nothing, a move-out takes the row off; another line sees nothing. The CLI gives the same data
and refuses bad input with exit code 2, writing nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.cli import main
from kefu.core.models import AuditEvent
from kefu.property import archive, rentals
from kefu.property.models import HouseholdDocument, Tenancy

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today_at_the_test():
    """Today as each test runs: a suite that crosses midnight in Asia/Shanghai (16:00 UTC) read
    the date of its import, and a visit "tomorrow" had become today's."""
    global TODAY
    TODAY = timezone.localdate()


def _pdf(name="doc.pdf", size=64):
    return SimpleUploadedFile(name, b"%PDF-1.4" + b"0" * size, "application/pdf")


def _file(actor, unit, kind, title, name="doc.pdf"):
    return archive.document_file(
        actor=actor, unit_id=unit.pk, kind=kind, title=title, upload=_pdf(name)
    )


def test_the_catalogue_searches_and_pages_by_cursor(api_as, wy_agent, agent, make_unit):
    a = make_unit(building="1栋", room="101", name="张业主")
    b = make_unit(building="2栋", room="202", name="李业主")
    _file(wy_agent, a, "notice", "停水通知")
    _file(wy_agent, b, "notice", "停电通知")
    _file(wy_agent, b, "report", "装修验收报告")
    client = api_as(wy_agent)

    notices = client.get("/api/v1/property/documents", {"kind": "notice"}).json()
    assert sorted(d["title"] for d in notices["items"]) == ["停水通知", "停电通知"]
    counts = {c["kind"]: c["count"] for c in notices["by_kind"]}
    assert (counts["notice"], counts["report"], notices["total"]) == (2, 1, 3)
    found = client.get("/api/v1/property/documents", {"q": "李业主"}).json()
    assert {d["owner"] for d in found["items"]} == {"李业主"} and found["total"] == 2
    in_building = client.get("/api/v1/property/documents", {"building": "1栋"}).json()
    assert [d["household"] for d in in_building["items"]] == [a.pk]

    first = client.get("/api/v1/property/documents", {"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next"]
    rest = client.get("/api/v1/property/documents", {"limit": 2, "cursor": first["next"]}).json()
    assert [d["title"] for d in rest["items"]] == ["停水通知"] and rest["next"] is None

    bad = client.get("/api/v1/property/documents", {"cursor": "nonsense"})
    assert bad.status_code == 400 and bad.json()["error"]["fields"]["cursor"]
    assert client.get("/api/v1/property/documents", {"kind": "poem"}).status_code == 422
    assert api_as(agent).get("/api/v1/property/documents").status_code == 403


def test_a_household_shows_the_owners_phone_masked_to_an_agent(api_as, wy_agent, agent, make_unit):
    unit = make_unit()
    _file(wy_agent, unit, "notice", "停水通知")
    rentals.tenancy_record(actor=wy_agent, unit_id=unit.pk, tenant_name="租客", phone="13711112222")

    body = api_as(wy_agent).get(f"/api/v1/property/households/{unit.pk}").json()

    assert body["owner_phone"] != unit.customer.phone and "****" in body["owner_phone"]
    assert body["tenancy"]["tenant_name"] == "租客" and "****" in body["tenancy"]["phone"]
    assert body["occupancy"] == "rented"
    assert [d["title"] for d in body["documents"]] == ["停水通知"]
    assert api_as(agent).get(f"/api/v1/property/households/{unit.pk}").status_code == 403


def test_filing_keeps_the_attachment_limits_and_is_audited(api_as, wy_agent, org, make_unit):
    unit = make_unit()
    client = api_as(wy_agent).client
    url = f"/api/v1/property/households/{unit.pk}/documents"

    filed = client.post(url, {"kind": "report", "title": "验房报告", "file": _pdf()})
    assert filed.status_code == 201
    assert filed.json()["title"] == "验房报告" and filed.json()["household"] == unit.pk
    assert AuditEvent.objects.filter(action="property.document_file").count() == 1

    wrong_type = client.post(url, {"kind": "report", "title": "脚本", "file": _pdf("x.exe")})
    assert wrong_type.status_code == 400 and wrong_type.json()["error"]["fields"]["file"]
    org.property.policies = {**org.property.policies, "attachment_max_bytes": 32}
    org.property.save(update_fields=["policies"])
    too_big = client.post(url, {"kind": "report", "title": "大文件", "file": _pdf(size=100)})
    assert too_big.status_code == 400
    assert HouseholdDocument.objects.count() == 1


def test_only_a_supervisor_withdraws_a_document(api_as, wy_agent, wy_supervisor, make_unit):
    doc = _file(wy_agent, make_unit(), "report", "验房报告")
    url = f"/api/v1/property/documents/{doc.pk}"

    assert api_as(wy_agent).delete(url).status_code == 403
    download = api_as(wy_agent).get(f"{url}/download")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert api_as(wy_supervisor).delete(url).status_code == 204
    assert not HouseholdDocument.objects.exists()
    assert AuditEvent.objects.filter(action="property.document_withdraw").count() == 1
    assert api_as(wy_supervisor).delete(url).status_code == 404


def test_the_register_completeness_a_stale_row_and_a_move_out(api_as, wy_agent, agent, make_unit):
    a, b = make_unit(room="101"), make_unit(room="102")
    client = api_as(wy_agent)
    start = (TODAY - dt.timedelta(days=30)).isoformat()

    full = client.post(
        "/api/v1/property/tenancies",
        {
            "household": a.pk,
            "tenant_name": "张三",
            "phone": "13800138000",
            "lease_start": start,
            "lease_end": (TODAY + dt.timedelta(days=300)).isoformat(),
        },
    )
    assert full.status_code == 201
    partial = client.post("/api/v1/property/tenancies", {"household": b.pk, "tenant_name": "李四"})
    assert partial.status_code == 201
    reg = client.get("/api/v1/property/rentals").json()
    assert (reg["rented"], reg["complete"], reg["completeness"]) == (2, 1, "0.5000")
    todo = client.get("/api/v1/property/rentals", {"incomplete": "true"}).json()["items"]
    assert [(r["household"], r["gaps"]) for r in todo] == [
        (b.pk, ["phone", "lease_start", "lease_end"])
    ]

    tenancy = partial.json()
    url = f"/api/v1/property/tenancies/{tenancy['id']}"
    done = client.patch(
        url,
        {
            "version": tenancy["version"],
            "phone": "13900139000",
            "lease_start": start,
            "lease_end": (TODAY + dt.timedelta(days=200)).isoformat(),
        },
    )
    assert done.status_code == 200 and done.json()["tenant_name"] == "李四"
    stale = client.patch(url, {"version": tenancy["version"], "tenant_name": "王五"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    assert Tenancy.objects.get(pk=tenancy["id"]).tenant_name == "李四"
    assert client.get("/api/v1/property/rentals").json()["completeness"] == "1.0000"

    ahead = client.post(
        f"{url}/move-out",
        {
            "version": done.json()["version"],
            "moved_out_on": (TODAY + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert ahead.status_code == 400
    moved = client.post(f"{url}/move-out", {"version": done.json()["version"], "to": "vacant"})
    assert moved.status_code == 200 and moved.json()["moved_out_on"] == TODAY.isoformat()
    assert client.get("/api/v1/property/rentals").json()["rented"] == 1
    assert api_as(agent).get("/api/v1/property/rentals").status_code == 403
    assert api_as(agent).patch(url, {"version": 9}).status_code == 403


def run(capsys, *args):
    code = main(["property", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_files_lists_and_completes_by_the_same_rules(wy_agent, make_unit, capsys, tmp_path):
    unit = make_unit(room="303")
    path = tmp_path / "验房报告.pdf"
    path.write_bytes(b"%PDF-1.4 report")

    code, out, _ = run(
        capsys, "file", "--user", "wy_agent", "--household", str(unit.pk), "--kind", "report",
        "--title", "验房报告", "--file", str(path), "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["title"] == "验房报告"
    code, out, _ = run(capsys, "documents", "--user", "wy_agent", "--q", "303", "--json")
    assert [d["household"] for d in json.loads(out)["items"]] == [unit.pk]
    code, out, _ = run(capsys, "household", "--user", "wy_agent", "--id", str(unit.pk), "--json")
    assert "****" in json.loads(out)["owner_phone"]

    code, out, _ = run(
        capsys, "tenant", "--user", "wy_agent", "--household", str(unit.pk), "--name", "赵六",
        "--json",
    )  # fmt: skip
    tenancy = json.loads(out)
    code, out, _ = run(capsys, "rentals", "--user", "wy_agent", "--incomplete", "--json")
    assert json.loads(out)["items"][0]["gaps"] == ["phone", "lease_start", "lease_end"]
    code, out, _ = run(
        capsys, "complete", "--user", "wy_agent", "--tenancy", str(tenancy["id"]),
        "--version", str(tenancy["version"]), "--phone", "13800138000",
        "--lease-start", "2026-01-01", "--lease-end", "2099-12-31", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["version"] == tenancy["version"] + 1
    code, out, err = run(
        capsys, "complete", "--user", "wy_agent", "--tenancy", str(tenancy["id"]),
        "--version", str(tenancy["version"]), "--name", "钱七",
    )  # fmt: skip
    assert code == 2 and err and not out
    assert Tenancy.objects.get(pk=tenancy["id"]).tenant_name == "赵六"
    code, out, _ = run(
        capsys, "move-out", "--user", "wy_agent", "--tenancy", str(tenancy["id"]),
        "--version", str(tenancy["version"] + 1), "--to", "vacant", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["moved_out_on"] == TODAY.isoformat()


@pytest.mark.parametrize(
    "args",
    [
        ("documents", "--user", "nobody"),
        ("household", "--user", "wy_agent", "--id", "abc"),
        ("household", "--user", "wy_agent", "--id", "999999"),
        ("file", "--user", "wy_agent", "--household", "1", "--kind", "report", "--title", "x",
         "--file", "/nonexistent.pdf"),
        ("withdraw", "--user", "wy_agent", "--document", "1"),
        ("move-out", "--user", "wy_agent", "--tenancy", "1", "--version", "1", "--to", "rented"),
    ],
)  # fmt: skip
def test_the_cli_refuses_bad_input_on_stderr_with_exit_code_2(wy_agent, make_unit, capsys, args):
    unit = make_unit()
    _file(wy_agent, unit, "notice", "通知")
    rentals.tenancy_record(actor=wy_agent, unit_id=unit.pk, tenant_name="租客")
    before = AuditEvent.objects.count()

    code, out, err = run(capsys, *args)

    assert code == 2 and err.strip() and not out
    assert AuditEvent.objects.count() == before

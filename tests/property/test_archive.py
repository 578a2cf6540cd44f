"""ARC-9 the households' e-archive: a document filed for a household is listed on its page and in
the catalogue (searchable by kind, building, room, owner and title), downloads with its bytes,
is audited; the line's attachment limits hold; another line's household is out of reach; only a
supervisor withdraws a document."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from testkit import make_user

from kefu.core.errors import Invalid, NotFound, PermissionDenied
from kefu.core.models import AuditEvent
from kefu.property import archive
from kefu.property.models import HouseholdDocument

pytestmark = pytest.mark.django_db


def _pdf(name="公告.pdf", body=b"%PDF-1.4 notice"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_a_filed_document_is_in_the_catalogue_and_downloads(web_as, wy_agent, make_unit):
    unit = make_unit(building="3栋", room="502", name="李业主")
    other = make_unit(building="5栋", room="101", name="王业主")
    client = web_as(wy_agent)

    response = client.post(
        reverse("property:document_file", args=[unit.pk]),
        {"kind": "announcement", "title": "2026年停水公告", "file": _pdf()},
    )
    assert response.status_code == 302
    archive.document_file(
        actor=wy_agent,
        unit_id=other.pk,
        kind="fee_record",
        title="2025年缴费记录",
        upload=SimpleUploadedFile("缴费.csv", b"period,amount\n2025-01,250\n"),
    )
    doc = HouseholdDocument.objects.get(unit=unit)
    assert (doc.kind, doc.title, doc.size) == ("announcement", "2026年停水公告", 15)
    assert AuditEvent.objects.filter(action="property.document_file").count() == 2

    page = client.get(reverse("property:household", args=[unit.pk])).content.decode()
    assert "2026年停水公告" in page and "2025年缴费记录" not in page

    def titles(**search):
        return {d.title for d in archive.catalogue(wy_agent, **search)["documents"]}

    assert titles() == {"2026年停水公告", "2025年缴费记录"}
    assert titles(kind="fee_record") == {"2025年缴费记录"}
    assert titles(building="3栋") == {"2026年停水公告"}
    assert titles(q="502") == {"2026年停水公告"}
    assert titles(q="王业主") == {"2025年缴费记录"}
    assert titles(q="停水") == {"2026年停水公告"}
    counts = {v: n for v, _label, n in archive.catalogue(wy_agent, q="停水")["kinds"]}
    assert counts["announcement"] == 1 and counts["fee_record"] == 0

    listing = client.get(reverse("property:archive"), {"q": "停水"}).content.decode()
    assert "2026年停水公告" in listing and "2025年缴费记录" not in listing
    download = client.get(reverse("property:document_download", args=[doc.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 notice"


def test_bad_files_are_refused_and_change_nothing(web_as, wy_agent, make_unit, org):
    unit = make_unit()
    org.property.policies = {**org.property.policies, "attachment_max_bytes": 10}
    org.property.save()
    for upload, field in (
        (SimpleUploadedFile("x.exe", b"MZ"), "file"),
        (SimpleUploadedFile("empty.pdf", b""), "file"),
        (_pdf(body=b"%PDF-1.4 more than ten bytes"), "file"),
    ):
        with pytest.raises(Invalid) as exc:
            archive.document_file(
                actor=wy_agent, unit_id=unit.pk, kind="notice", title="通知", upload=upload
            )
        assert field in exc.value.fields
    with pytest.raises(Invalid):
        archive.document_file(
            actor=wy_agent, unit_id=unit.pk, kind="photo", title="通知", upload=_pdf(body=b"ok")
        )
    response = web_as(wy_agent).post(
        reverse("property:document_file", args=[unit.pk]),
        {"kind": "notice", "title": "", "file": _pdf(body=b"ok")},
    )
    assert response.status_code == 400
    assert "Required" in response.content.decode() or "必填" in response.content.decode()
    assert not HouseholdDocument.objects.exists()


def test_another_lines_household_and_documents_are_out_of_reach(web_as, agent, wy_agent, make_unit):
    unit = make_unit()
    doc = archive.document_file(
        actor=wy_agent, unit_id=unit.pk, kind="notice", title="通知", upload=_pdf()
    )
    with pytest.raises(NotFound):
        archive.document_file(
            actor=agent, unit_id=unit.pk, kind="notice", title="通知", upload=_pdf()
        )
    client = web_as(agent)  # an agent of the online shop
    assert client.get(reverse("property:household", args=[unit.pk])).status_code == 404
    assert client.get(reverse("property:document_download", args=[doc.pk])).status_code == 404
    assert archive.catalogue(agent)["documents"] == []


def test_only_a_supervisor_withdraws_a_document(web_as, wy_agent, wy_supervisor, make_unit):
    unit = make_unit()
    doc = archive.document_file(
        actor=wy_agent, unit_id=unit.pk, kind="report", title="验房报告", upload=_pdf()
    )
    with pytest.raises(PermissionDenied):
        archive.document_withdraw(actor=wy_agent, document_id=doc.pk)
    lead = make_user("wy_lead", "lead", team=wy_agent.team)
    assert (
        web_as(lead).post(reverse("property:document_withdraw", args=[doc.pk])).status_code == 403
    )
    response = web_as(wy_supervisor).post(reverse("property:document_withdraw", args=[doc.pk]))
    assert response.status_code == 302
    assert not HouseholdDocument.objects.exists()
    assert AuditEvent.objects.filter(action="property.document_withdraw").count() == 1

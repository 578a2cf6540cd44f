"""Attachments through the API with a Bearer token: listed, downloaded with their type and a
Content-Disposition that names them (RFC 5987 for Chinese names), 404 outside the scope."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.customers.services import customer_create
from kefu.tickets.services import attachment_add, ticket_create

URL = "/api/v1/tickets"
PDF = b"%PDF-1.4\n% kefu test\n"


@pytest.fixture
def ticket(org, agent):
    customer = customer_create(actor=None, business_line=org.shop, name="孙八", phone="13655556666")
    return ticket_create(
        actor=agent, title="发票问题", type="consult", channel="phone", customer=customer
    )


@pytest.fixture
def attachment(ticket, agent):
    upload = SimpleUploadedFile("发票 2026.pdf", PDF, content_type="text/plain")
    return attachment_add(actor=agent, ticket=ticket, upload=upload)


def test_the_attachments_of_a_ticket_are_listed(api_as, agent, ticket, attachment):
    answer = api_as(agent).get(f"{URL}/{ticket.pk}/attachments")

    assert answer.status_code == 200, answer.content
    (row,) = answer.json()["items"]
    assert row["id"] == attachment.pk
    assert row["name"] == attachment.name
    assert row["size"] == len(PDF)
    assert row["content_type"] == "application/pdf"
    assert answer.json()["next"] is None


def test_a_download_carries_the_file_its_type_and_its_chinese_name(
    api_as, agent, ticket, attachment
):
    answer = api_as(agent).get(f"{URL}/{ticket.pk}/attachments/{attachment.pk}/download")

    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == PDF
    assert answer["Content-Type"] == "application/pdf"
    disposition = answer["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(attachment.name)}" in disposition
    assert "发票" in attachment.name


def test_outside_the_scope_both_are_404(api_as, wy_agent, ticket, attachment):
    api = api_as(wy_agent)

    listed = api.get(f"{URL}/{ticket.pk}/attachments")
    downloaded = api.get(f"{URL}/{ticket.pk}/attachments/{attachment.pk}/download")

    assert listed.status_code == downloaded.status_code == 404
    assert downloaded.json()["error"]["code"] == "not_found"


def test_a_file_of_another_ticket_is_404(api_as, agent, org, ticket, attachment):
    other = ticket_create(
        actor=agent, title="另一单", type="consult", channel="phone", customer=ticket.customer
    )

    answer = api_as(agent).get(f"{URL}/{other.pk}/attachments/{attachment.pk}/download")

    assert answer.status_code == 404


def test_without_a_token_a_download_is_401(client, ticket, attachment):
    answer = client.get(f"{URL}/{ticket.pk}/attachments/{attachment.pk}/download")

    assert answer.status_code == 401

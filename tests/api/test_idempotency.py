"""``Idempotency-Key`` on API creates: a retried POST returns the first answer and creates
nothing again; the same key with another body is refused; simultaneous retries create once (a
real ``kefu serve`` with several workers, on SQLite and, with DATABASE_URL, on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from kefu.core.models import ApiIdempotencyKey
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket, TicketMessage

URL = "/api/v1/tickets"
_phones = itertools.count(13500000001)


def _ticket_body(**extra) -> dict:
    return {
        "title": "退货运费谁出",
        "type": "return",
        "channel": "phone",
        "customer_phone": str(next(_phones)),
        "customer_name": "吴十",
        **extra,
    }


def _post(api, path: str, data: dict, key: str | None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api.client.post(path, data, content_type="application/json", **headers)


def test_a_retried_create_returns_the_first_answer_and_creates_nothing(api_as, agent):
    api = api_as(agent)
    body, key = _ticket_body(), str(uuid.uuid4())

    first = _post(api, URL, body, key)
    retry = _post(api, URL, body, key)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Ticket.objects.count() == 1
    assert Customer.objects.count() == 1


def test_without_a_key_each_post_creates(api_as, agent):
    api = api_as(agent)
    body = _ticket_body()

    assert _post(api, URL, body, None).status_code == 201
    assert _post(api, URL, body, None).status_code == 201
    assert Ticket.objects.count() == 2


def test_the_same_key_with_another_body_is_refused(api_as, agent):
    api = api_as(agent)
    key = str(uuid.uuid4())
    assert _post(api, URL, _ticket_body(), key).status_code == 201

    other = _post(api, URL, _ticket_body(title="另一件事"), key)

    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in other.json()["error"]["fields"]
    assert Ticket.objects.count() == 1


def test_the_refusal_is_in_the_callers_language(api_as, agent):
    api = api_as(agent)
    key = str(uuid.uuid4())
    _post(api, URL, _ticket_body(), key)

    other = api.client.post(
        URL,
        _ticket_body(title="又一件事"),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["error"]["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in other.json()["error"]["message"])


def test_a_failed_create_gives_the_key_back(api_as, agent):
    api = api_as(agent)
    key = str(uuid.uuid4())
    refused = _post(api, URL, {**_ticket_body(), "customer_phone": "", "customer_name": ""}, key)
    assert refused.status_code == 400
    assert not ApiIdempotencyKey.objects.exists()

    corrected = _post(api, URL, _ticket_body(), key)

    assert corrected.status_code == 201
    assert Ticket.objects.count() == 1


def test_keys_belong_to_their_token(api_as, agent):
    key, body = str(uuid.uuid4()), _ticket_body()

    assert _post(api_as(agent), URL, body, key).status_code == 201
    second = _post(api_as(agent), URL, body, key)  # another token of the same agent

    assert second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert Ticket.objects.count() == 2


def test_a_key_is_forgotten_after_24_hours(api_as, agent):
    api = api_as(agent)
    key, body = str(uuid.uuid4()), _ticket_body()
    assert _post(api, URL, body, key).status_code == 201
    ApiIdempotencyKey.objects.update(
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=24, minutes=1)
    )

    again = _post(api, URL, body, key)

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "带中文的键"])
def test_a_malformed_key_is_a_400(api_as, agent, key):
    answer = _post(api_as(agent), URL, _ticket_body(), key)

    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == ["Idempotency-Key"]
    assert not Ticket.objects.exists()


def test_other_creates_act_once_too(api_as, agent, org):
    from kefu.tickets.services import ticket_create

    api = api_as(agent)
    customer_body = {"name": "郑一", "phone": "13588889999"}
    customers = [_post(api, "/api/v1/customers", customer_body, "c-1") for _ in range(2)]
    customer = Customer.objects.get()
    ticket = ticket_create(
        actor=agent, title="咨询", type="consult", channel="im", customer=customer
    )
    notes = [_post(api, f"{URL}/{ticket.pk}/notes", {"body": "已回电"}, "n-1") for _ in range(2)]

    assert [c.status_code for c in customers] == [201, 201]
    assert customers[0].json() == customers[1].json()
    assert [n.status_code for n in notes] == [201, 201]
    assert notes[0].json() == notes[1].json()
    assert TicketMessage.objects.filter(ticket=ticket, kind="note").count() == 1


def test_a_multipart_upload_acts_once(api_as, agent, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kefu.tickets.services import ticket_create

    customer = Customer.objects.create(business_line=org.shop, name="冯二", phone="13512340000")
    ticket = ticket_create(
        actor=agent, title="发票", type="consult", channel="im", customer=customer
    )
    api = api_as(agent)

    def upload(content: bytes):
        return api.client.post(
            f"{URL}/{ticket.pk}/attachments",
            {"file": SimpleUploadedFile("a.txt", content)},
            HTTP_IDEMPOTENCY_KEY="upload-1",
        )

    first, retry, other = upload(b"one"), upload(b"one"), upload(b"two")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert other.status_code == 422
    assert ticket.attachments.count() == 1


def test_the_openapi_document_offers_the_header_on_every_post(client):
    document = client.get("/api/v1/openapi.json").json()

    posts = [path_item["post"] for path_item in document["paths"].values() if "post" in path_item]
    assert posts
    for operation in posts:
        names = [p["name"] for p in operation.get("parameters", [])]
        assert "Idempotency-Key" in names, operation["operationId"]


# -- simultaneous retries ----------------------------------------------------------------------


def _together(n: int, send) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = send(i)
        except Exception as exc:  # reported by the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_retries_create_one_ticket_in_process(agent):
    if connection.vendor != "postgresql":
        pytest.skip("threads of one process writing at once: PostgreSQL (SQLite: the live test)")
    from kefu.accounts.services import token_create

    raw = token_create(user=agent, name="t")[1]
    body, key = _ticket_body(), str(uuid.uuid4())

    def send(_i):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client.post(URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)

    answers = _together(2, send)

    assert [getattr(a, "status_code", a) for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Ticket.objects.count() == 1


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from hardening.live_server import LiveServer

    server = LiveServer(tmp_path_factory.mktemp("live-idempotency"), workers=2, threads=4)
    try:
        server.migrate()
        server.seed = server.call("seed_org")
        server.start()
        yield server
    finally:
        server.close()


@pytest.mark.slow
@pytest.mark.django_db
def test_simultaneous_retries_on_a_live_server_create_once(live):
    token = live.seed["agents"][0]
    n = 4
    bodies = [_ticket_body(title=f"同时重试{i}") for i in range(3)]

    def send(i):
        # three keys, each sent by n threads at the same moment across the server's workers
        with live.client(token) as http:
            key = f"live-{i % 3}"
            return http.post(URL, json=bodies[i % 3], headers={"Idempotency-Key": key})

    answers = _together(3 * n, send)

    codes = [getattr(a, "status_code", repr(a)) for a in answers]
    assert codes == [201] * (3 * n), codes
    for k in range(3):
        ids = {answers[i].json()["id"] for i in range(3 * n) if i % 3 == k}
        assert len(ids) == 1
    assert live.count("tickets_ticket") == 3

"""Kannel webhook behaviour the table-driven cases cannot show: concurrent duplicates over real HTTP,
and the UCS-2 header on inline replies."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import httpx
from sqlmodel import col, select

from bot import service
from bot.app import create_app
from bot.channels.kannel import Kannel
from bot.config import build_config
from bot.messages import OutboxStatus
from store.db import session_scope
from store.models import Message, Outbox, Ticket, Unit

SECRET = "peer-kannel-secret"


def kannel_config(db_url: str, **env: str):
    data = {"channels": {"enabled": ["kannel"], "kannel": {"sender": "1708"}}}
    return build_config(data, {"DATABASE_URL": db_url, "KANNEL_WEBHOOK_SECRET": SECRET, **env})


def test_three_concurrent_deliveries_store_one_message_and_one_reply(
    db_url, seeded, clock, tmp_path, monkeypatch, live_server_factory
):
    monkeypatch.chdir(tmp_path)
    app = create_app(kannel_config(db_url), clock=clock, testing=True)
    server = live_server_factory(app)
    params = {
        "secret": SECRET,
        "from": "6281234567890",
        "to": "1708",
        "text": "DINKES #puskesmas tutup jam 10",
        "ts": "1795395600",
        "smsc": "FAKE",
        "id": "6f1c0d7e-0000-4000-8000-000000000001",
    }
    barrier, results = threading.Barrier(3), []

    def deliver() -> None:
        barrier.wait()
        with httpx.Client(timeout=30) as http:
            results.append(http.get(f"{server.url}/webhooks/kannel", params=params))

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [r.status_code for r in results] == [200, 200, 200]
    assert len({r.text for r in results}) == 1 and "Aduan Anda diterima" in results[0].text
    with session_scope(seeded) as s:
        assert len(s.exec(select(Message).where(Message.direction == "in")).all()) == 1
        assert len(s.exec(select(Outbox)).all()) == 1
    app.extensions["aduan"].engine.dispose()


def test_inline_replies_ask_kannel_for_ucs2_only_when_needed(db_url):
    kannel = Kannel(kannel_config(db_url), httpx.Client())
    plain = kannel.ack(["Aduan Anda diterima. No. tiket 1234567."])
    assert plain.headers == {} and plain.content_type == "text/plain; charset=utf-8"
    wide = kannel.ack(["Terima kasih 🙏", "“Jawaban”"])
    assert wide.headers == {"X-Kannel-Coding": "2"}
    assert wide.body == "Terima kasih 🙏\n\n“Jawaban”"
    assert kannel.ack([]).body == ""


def test_a_reply_outside_gsm7_goes_back_to_kannel_as_ucs2(
    db_url, seeded, clock, tmp_path, monkeypatch
):
    with session_scope(seeded) as s:  # a unit name with an en dash: the ack cannot be GSM-7
        unit = s.exec(select(Unit).where(Unit.code == "DINKES")).one()
        unit.name = "Dinas Kesehatan – Puskesmas"
    monkeypatch.chdir(tmp_path)
    app = create_app(kannel_config(db_url), clock=clock, testing=True)
    query = {"secret": SECRET, "from": "081234567890", "text": "DINKES #puskesmas tutup jam 10"}
    resp = app.test_client().get("/webhooks/kannel", query_string=query)
    assert resp.status_code == 200
    assert "Dinas Kesehatan – Puskesmas" in resp.get_data(as_text=True)
    assert resp.headers["X-Kannel-Coding"] == "2"
    assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"
    app.extensions["aduan"].engine.dispose()


def test_a_delivery_report_that_beats_the_send_is_kept(
    db_url, seeded, clock, tmp_path, monkeypatch
):
    """fakesmsc reports delivery before sendsms has even answered: the DLR must still count."""
    holder: dict = {}

    def kannel(request: httpx.Request) -> httpx.Response:
        assert str(request.url).startswith("http://kannel.test:13013/cgi-bin/sendsms")
        dlr = urlsplit(request.url.params["dlr-url"].replace("%d", "1"))
        resp = holder["client"].get(dlr.path, query_string=dlr.query)
        assert resp.status_code == 200
        return httpx.Response(202, text="0: Accepted for delivery")

    env = {
        "PUBLIC_BASE_URL": "https://aduan.example.go.id",
        "KANNEL_SENDSMS_URL": "http://kannel.test:13013/cgi-bin/sendsms",
        "KANNEL_USERNAME": "aduan",
        "KANNEL_PASSWORD": "rahasia",
    }
    monkeypatch.chdir(tmp_path)
    http = httpx.Client(transport=httpx.MockTransport(kannel))
    app = create_app(kannel_config(db_url, **env), http=http, clock=clock, testing=True)
    holder["client"] = client = app.test_client()
    query = {"secret": SECRET, "from": "081234567890", "text": "DINKES #puskesmas tutup jam 10"}
    assert client.get("/webhooks/kannel", query_string=query).status_code == 200
    runtime = app.extensions["aduan"]
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket)).one()
        service.send_answer(
            s, ticket, "Puskesmas buka lagi.", now=clock(), desk=runtime.desk, actor="x"
        )
    assert runtime.deliver_now() == 1
    with session_scope(seeded) as s:
        answer = s.exec(select(Outbox).where(Outbox.status != OutboxStatus.INLINE)).one()
        assert (answer.status, answer.provider_id) == (
            OutboxStatus.DELIVERED,
            f"kannel-{answer.id}",
        )
        assert answer.sent_at is not None and answer.delivered_at is not None
    runtime.engine.dispose()


def test_a_reply_longer_than_smsbox_takes_goes_through_sendsms(
    db_url, seeded, clock, tmp_path, monkeypatch
):
    """smsbox cuts a response body beyond its max-messages silently: such a reply (the KODE list of
    a desk with many units) is sent through sendsms instead, and a provider's retry gets the same
    (short) response without sending anything twice."""
    sent: list[str] = []

    def kannel(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.params["text"])
        return httpx.Response(202, text="0: Accepted for delivery")

    env = {
        "KANNEL_SENDSMS_URL": "http://kannel.test:13013/cgi-bin/sendsms",
        "KANNEL_USERNAME": "aduan",
        "KANNEL_PASSWORD": "rahasia",
    }
    data = {
        "channels": {"enabled": ["kannel"], "kannel": {"sender": "1708", "reply_max_messages": 1}}
    }
    config = build_config(data, {"DATABASE_URL": db_url, "KANNEL_WEBHOOK_SECRET": SECRET, **env})
    monkeypatch.chdir(tmp_path)
    http = httpx.Client(transport=httpx.MockTransport(kannel))
    app = create_app(config, http=http, clock=clock, testing=True)
    client, runtime = app.test_client(), app.extensions["aduan"]
    query = {"secret": SECRET, "from": "081234567890", "text": "KODE", "id": "kode-1"}
    first = client.get("/webhooks/kannel", query_string=query)
    assert first.status_code == 200 and first.get_data(as_text=True) == ""  # nothing to cut
    runtime.deliver_now()
    assert sent and "DINKES" in "".join(sent)  # the whole list, in parts, through sendsms
    again = client.get("/webhooks/kannel", query_string=query)
    assert again.get_data(as_text=True) == "" and runtime.deliver_now() == 0
    short = {**query, "text": "DINKES #puskesmas tutup jam 10", "id": "kode-2"}
    body = client.get("/webhooks/kannel", query_string=short).get_data(as_text=True)
    assert body.startswith("Aduan Anda diterima")  # one SMS: still in the response
    with session_scope(seeded) as s:
        rows = s.exec(select(Outbox).order_by(col(Outbox.id))).all()
        assert [r.status for r in rows] == [OutboxStatus.SENT, OutboxStatus.INLINE]
    runtime.engine.dispose()

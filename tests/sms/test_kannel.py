"""Kannel webhook behaviour the table-driven cases cannot show: concurrent duplicates over real HTTP,
and the UCS-2 header on inline replies."""

from __future__ import annotations

import threading
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import httpx
from sqlmodel import col, select

from bot import service
from bot.app import create_app
from bot.channels.kannel import Kannel
from bot.config import build_config
from bot.messages import OutboxStatus
from store.db import session_scope
from store.models import Message, Outbox, OutboxPart, Ticket, Unit

SECRET = "peer-kannel-secret"
SENDSMS_ENV = {
    "PUBLIC_BASE_URL": "https://aduan.example.go.id",
    "KANNEL_SENDSMS_URL": "http://kannel.test:13013/cgi-bin/sendsms",
    "KANNEL_USERNAME": "aduan",
    "KANNEL_PASSWORD": "rahasia",
}


def kannel_config(db_url: str, kannel: dict | None = None, **env: str):
    data = {"channels": {"enabled": ["kannel"], "kannel": {"sender": "1708", **(kannel or {})}}}
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

    monkeypatch.chdir(tmp_path)
    http = httpx.Client(transport=httpx.MockTransport(kannel))
    app = create_app(kannel_config(db_url, **SENDSMS_ENV), http=http, clock=clock, testing=True)
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

    env = {k: v for k, v in SENDSMS_ENV.items() if k != "PUBLIC_BASE_URL"}  # no link: a short ack
    config = kannel_config(db_url, {"reply_max_messages": 1}, **env)
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


LONG = " ".join(["Puskesmas buka lagi pukul 07.00 setelah perbaikan listrik selesai."] * 5)


def _long_answer(db_url, seeded, clock, tmp_path, monkeypatch, on_sendsms=None):
    """An officer's long answer sent through sendsms; returns the app, its outbox row id and the
    dlr-url of each part (as Kannel would call it, without the %d filled in)."""
    holder: dict = {"dlrs": []}

    def kannel(request: httpx.Request) -> httpx.Response:
        holder["dlrs"].append(urlsplit(request.url.params["dlr-url"]))
        answer = on_sendsms(holder["client"], holder["dlrs"][-1]) if on_sendsms else None
        return answer or httpx.Response(202, text="0: Accepted for delivery")

    monkeypatch.chdir(tmp_path)
    http = httpx.Client(transport=httpx.MockTransport(kannel))
    app = create_app(kannel_config(db_url, **SENDSMS_ENV), http=http, clock=clock, testing=True)
    holder["client"] = client = app.test_client()
    query = {"secret": SECRET, "from": "081234567890", "text": "DINKES #puskesmas tutup jam 10"}
    assert client.get("/webhooks/kannel", query_string=query).status_code == 200
    runtime = app.extensions["aduan"]
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket)).one()
        service.send_answer(s, ticket, LONG, now=clock(), desk=runtime.desk, actor="x")
    runtime.deliver_now()
    with session_scope(seeded) as s:
        row = s.exec(select(Outbox).where(Outbox.status != OutboxStatus.INLINE)).one()
    return app, row.id, holder["dlrs"]


def _dlr(app, dlr, kind: int) -> None:
    resp = app.test_client().get(dlr.path, query_string=dlr.query.replace("%d", str(kind)))
    assert resp.status_code == 200


def _row(seeded, outbox_id: int) -> Outbox:
    with session_scope(seeded) as s:
        return s.get(Outbox, outbox_id)


def test_each_part_of_a_long_sms_has_its_own_dlr_and_all_must_be_delivered(
    db_url, seeded, clock, tmp_path, monkeypatch
):
    app, outbox_id, dlrs = _long_answer(db_url, seeded, clock, tmp_path, monkeypatch)
    ids = [dict(parse_qsl(d.query))["id"] for d in dlrs]
    assert len(dlrs) >= 3 and ids == [f"kannel-{outbox_id}-{i}" for i in range(1, len(ids) + 1)]
    assert _row(seeded, outbox_id).provider_id == ids[0]
    for dlr in dlrs[:-1]:
        _dlr(app, dlr, 1)
        assert _row(seeded, outbox_id).status is OutboxStatus.SENT  # not every part yet
    _dlr(app, dlrs[-1], 1)
    row = _row(seeded, outbox_id)
    assert row.status is OutboxStatus.DELIVERED and row.delivered_at is not None
    app.extensions["aduan"].engine.dispose()


def test_a_part_not_delivered_fails_the_long_sms_with_its_error(
    db_url, seeded, clock, tmp_path, monkeypatch
):
    app, outbox_id, dlrs = _long_answer(db_url, seeded, clock, tmp_path, monkeypatch)
    _dlr(app, dlrs[0], 1)  # the first part's "delivered" comes first: not the whole message
    _dlr(app, dlrs[1], 16)
    for dlr in dlrs[2:]:
        _dlr(app, dlr, 1)
    row = _row(seeded, outbox_id)
    assert row.status is OutboxStatus.FAILED and row.delivered_at is None
    assert row.error == f"part 2/{len(dlrs)}: Kannel DLR 16"
    app.extensions["aduan"].engine.dispose()


def test_dlrs_of_every_part_that_beat_the_send_are_kept(
    db_url, seeded, clock, tmp_path, monkeypatch
):
    def delivered_at_once(client, dlr) -> None:
        resp = client.get(dlr.path, query_string=dlr.query.replace("%d", "1"))
        assert resp.status_code == 200

    app, outbox_id, dlrs = _long_answer(
        db_url, seeded, clock, tmp_path, monkeypatch, on_sendsms=delivered_at_once
    )
    row = _row(seeded, outbox_id)
    assert len(dlrs) >= 3 and row.status is OutboxStatus.DELIVERED and row.sent_at is not None
    app.extensions["aduan"].engine.dispose()


def test_a_long_sms_sent_before_parts_were_tracked_still_takes_its_dlr(
    db_url, seeded, clock, tmp_path, monkeypatch
):
    """A row from before the upgrade: one dlr-url id `kannel-<outbox id>` for all parts, no parts."""
    app, outbox_id, dlrs = _long_answer(db_url, seeded, clock, tmp_path, monkeypatch)
    with session_scope(seeded) as s:
        for part in s.exec(select(OutboxPart).where(OutboxPart.outbox_id == outbox_id)):
            s.delete(part)
        s.get(Outbox, outbox_id).provider_id = f"kannel-{outbox_id}"
    old = dlrs[0]._replace(
        query=dlrs[0].query.replace(f"kannel-{outbox_id}-1", f"kannel-{outbox_id}")
    )
    _dlr(app, old, 1)
    assert _row(seeded, outbox_id).status is OutboxStatus.DELIVERED
    app.extensions["aduan"].engine.dispose()


def test_a_long_sms_whose_later_part_was_refused_stays_failed_when_the_first_is_delivered(
    db_url, seeded, clock, tmp_path, monkeypatch
):
    def refuse_the_second(_client, dlr):
        if "-2&type" in dlr.query:
            return httpx.Response(403, text="Authorization failed for sendsms")
        return None

    app, outbox_id, dlrs = _long_answer(
        db_url, seeded, clock, tmp_path, monkeypatch, on_sendsms=refuse_the_second
    )
    assert len(dlrs) == 2 and _row(seeded, outbox_id).status is OutboxStatus.FAILED
    _dlr(app, dlrs[0], 1)
    row = _row(seeded, outbox_id)
    assert row.status is OutboxStatus.FAILED and row.error.startswith("part 2/")
    app.extensions["aduan"].engine.dispose()


def test_a_long_sms_whose_later_part_hit_a_503_is_retried_from_that_part(
    db_url, seeded, clock, tmp_path, monkeypatch
):
    """A temporary error (503) on part 2 leaves the row to be retried with back-off; the retry
    sends parts 2.. only, so the citizen does not get part 1 twice."""
    busy = {"left": 1}

    def busy_on_the_second(_client, dlr):
        if "-2&type" in dlr.query and busy["left"]:
            busy["left"] -= 1
            return httpx.Response(503, text="Temporal failure, try again later.")
        return None

    app, outbox_id, dlrs = _long_answer(
        db_url, seeded, clock, tmp_path, monkeypatch, on_sendsms=busy_on_the_second
    )
    row = _row(seeded, outbox_id)
    assert len(dlrs) == 2 and row.status is OutboxStatus.PENDING and "part 2/" in row.error
    assert row.next_attempt_at == clock() + timedelta(seconds=30)
    _dlr(app, dlrs[0], 1)  # part 1 delivered while the row waits: not the whole message yet
    assert _row(seeded, outbox_id).status is OutboxStatus.PENDING
    clock.advance(seconds=30)
    assert app.extensions["aduan"].deliver_now() == 1
    ids = [dict(parse_qsl(d.query))["id"] for d in dlrs]
    parts = len(ids) - 1  # part 2 was asked for twice, part 1 once
    assert parts >= 3 and ids == [f"kannel-{outbox_id}-{i}" for i in (1, 2, *range(2, parts + 1))]
    done = _row(seeded, outbox_id)
    assert done.status is OutboxStatus.SENT and done.error == "" and done.attempts == 2
    for dlr in dlrs[2:]:
        _dlr(app, dlr, 1)
    assert _row(seeded, outbox_id).status is OutboxStatus.DELIVERED
    app.extensions["aduan"].engine.dispose()

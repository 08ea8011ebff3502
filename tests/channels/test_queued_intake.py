"""Queued intake ([inbound] queued = true): the webhook stores the message in one insert and returns
empty TwiML; bot.inbox.drain (what `aduan worker` runs) answers it through the outbox. Real database,
providers faked at HTTP."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from bot import inbox, service, worker
from bot.channels.twilio import Twilio
from bot.config import TwilioConfig
from bot.messages import Direction, InboundMessage, Media, OutboundMessage
from store.db import intake_engine, make_engine, session_scope
from store.models import Inbox, Message, Ticket

PHONE, OTHER = "+6281234567890", "+6281298765432"
COMPLAINT = "DINKES #puskesmas tutup jam 10"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def drain(gateway) -> int:
    rt = gateway.runtime
    return inbox.drain(rt.engine, rt.desk, clock=rt.clock, on_queued=rt.kick_delivery)


def inbound(gateway) -> list[Message]:
    with session_scope(gateway.runtime.engine) as s:
        stmt = select(Message).where(Message.direction == Direction.IN).order_by(col(Message.id))
        return list(s.exec(stmt))


def rows(gateway) -> list[Inbox]:
    with session_scope(intake_engine(gateway.runtime.engine)) as s:
        return list(s.exec(select(Inbox).order_by(col(Inbox.id))))


def test_the_webhook_stores_and_the_worker_answers(queued_gateway, clock):
    sid = "SM" + "1" * 32
    resp = queued_gateway.twilio(PHONE, COMPLAINT, sid)
    assert resp.status_code == 200 and resp.get_data(as_text=True) == EMPTY_TWIML
    assert inbound(queued_gateway) == [] and queued_gateway.apis.calls == []
    (row,) = rows(queued_gateway)
    assert (row.channel, row.address, row.provider_id) == ("twilio", PHONE, sid)
    assert row.processed_at is None and row.received_at == clock()

    clock.advance(seconds=3)  # the worker runs a moment later
    assert drain(queued_gateway) == 1
    (msg,) = inbound(queued_gateway)
    assert msg.provider_id == sid and msg.body == COMPLAINT and msg.ticket_id is not None
    assert msg.created_at == row.received_at  # the SLA clock starts at receipt, not at handling
    sent = queued_gateway.apis.sent(queued_gateway.apis.TWILIO)  # the acknowledgement, by REST
    assert sent and {p["To"] for p in sent} == {PHONE} and "Aduan Anda diterima" in sent[0]["Body"]
    (row,) = rows(queued_gateway)
    assert row.processed_at == clock() and row.message_id == msg.id
    assert drain(queued_gateway) == 0


def test_a_providers_retry_is_stored_once(queued_gateway):
    sid = "SM" + "2" * 32
    for _ in range(2):  # twice before the worker ran ...
        assert queued_gateway.twilio(PHONE, COMPLAINT, sid).status_code == 200
    assert len(rows(queued_gateway)) == 1
    assert drain(queued_gateway) == 1
    sent = len(queued_gateway.apis.calls)
    assert queued_gateway.twilio(PHONE, COMPLAINT, sid).status_code == 200  # ... and once after
    assert len(rows(queued_gateway)) == 1 and drain(queued_gateway) == 0
    assert len(inbound(queued_gateway)) == 1 and len(queued_gateway.apis.calls) == sent


def test_a_bad_signature_stores_nothing(queued_gateway):
    resp = queued_gateway.app.test_client().post(
        "/webhooks/twilio",
        data={"MessageSid": "SM" + "3" * 32, "From": PHONE, "Body": COMPLAINT},
        headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    )
    assert resp.status_code == 403 and rows(queued_gateway) == []


def test_concurrent_workers_keep_each_senders_order(queued_gateway):
    for n in range(10):
        for who in (PHONE, OTHER):
            sid = f"SM{who[-4:]}{n:028d}"
            assert queued_gateway.twilio(who, f"{COMPLAINT} bagian {n}", sid).status_code == 200
    barrier = threading.Barrier(4)
    rt = queued_gateway.runtime

    def work() -> int:
        barrier.wait()
        done = 0
        while handled := inbox.drain(rt.engine, rt.desk, clock=rt.clock, limit=3):
            done += handled
        return done

    threads_done: list[int] = []
    threads = [threading.Thread(target=lambda: threads_done.append(work())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # on a SQLite file two workers may both take a message; the second is recognised as a replay
    assert sum(threads_done) >= 20 and inbox.backlog(rt.engine) == 0
    messages = inbound(queued_gateway)
    assert len(messages) == 20
    for who in (PHONE, OTHER):
        mine = [m for m in messages if m.address == who]
        assert [m.body for m in mine] == [f"{COMPLAINT} bagian {n}" for n in range(10)]
        assert len({m.ticket_id for m in mine}) == 1 and mine[0].ticket_id is not None
    with session_scope(rt.engine) as s:
        assert len(s.exec(select(Ticket)).all()) == 2


def test_a_message_that_keeps_failing_is_set_aside_after_three_rounds(queued_gateway, monkeypatch):
    real = service.handle_inbound

    def flaky(session, msg, **kwargs):
        if "meledak" in msg.text:
            raise RuntimeError("a bug in handling")
        return real(session, msg, **kwargs)

    monkeypatch.setattr(service, "handle_inbound", flaky)
    queued_gateway.twilio(PHONE, "DINKES #ini meledak", "SM" + "4" * 32)
    queued_gateway.twilio(PHONE, COMPLAINT, "SM" + "5" * 32)
    for round_ in range(1, inbox.MAX_ATTEMPTS):
        assert drain(queued_gateway) == 0
        bad, good = rows(queued_gateway)
        assert bad.attempts == round_ and bad.error == "RuntimeError"
        assert bad.processed_at is None and good.processed_at is None  # order holds meanwhile
    assert drain(queued_gateway) == 1  # the third failure sets it aside; the next one goes on
    bad, good = rows(queued_gateway)
    assert bad.processed_at is not None and bad.message_id is None and bad.attempts == 3
    assert good.processed_at is not None and good.message_id is not None
    assert [m.body for m in inbound(queued_gateway)] == [COMPLAINT]
    engine = queued_gateway.runtime.engine
    assert inbox.purge(engine, before=bad.processed_at + inbox.KEEP) == 1  # kept for the bug hunt
    assert [r.id for r in rows(queued_gateway)] == [bad.id]
    later = bad.processed_at + inbox.KEEP + inbox.SET_ASIDE_KEEP + timedelta(seconds=1)
    assert inbox.purge(engine, before=later) == 1 and rows(queued_gateway) == []  # then gone


def test_handled_rows_are_purged_after_two_days(queued_gateway, clock):
    queued_gateway.twilio(PHONE, COMPLAINT, "SM" + "6" * 32)
    drain(queued_gateway)
    queued_gateway.twilio(OTHER, COMPLAINT, "SM" + "7" * 32)  # still waiting: never purged
    engine = queued_gateway.runtime.engine
    assert inbox.purge(engine, before=clock() - inbox.KEEP) == 0
    assert inbox.purge(engine, before=clock() + timedelta(seconds=1)) == 1
    (left,) = rows(queued_gateway)
    assert left.address == OTHER and left.processed_at is None


def test_the_payload_round_trips(clock):
    msg = InboundMessage(
        "twilio",
        "whatsapp:" + PHONE,
        "lampu mati",
        "SM" + "8" * 32,
        phone=PHONE,
        name="Warga",
        media=(
            Media("image", "https://api.twilio.com/m/1", "image/jpeg"),
            Media("location", extra={"latitude": "-7.1", "longitude": "110.4"}),
        ),
        received_at=clock() - timedelta(hours=1),  # the provider's time stamp: not kept
    )
    row = Inbox(**inbox.to_row(msg, now=clock()))
    assert inbox.to_message(row) == dataclasses.replace(msg, received_at=clock())


def test_the_worker_loop_answers_until_stopped(queued_gateway):
    rt = queued_gateway.runtime
    queued_gateway.twilio(PHONE, COMPLAINT, "SM" + "9" * 32)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(rt,), kwargs={"stop": stop})
    thread.start()
    try:
        for _ in range(100):
            if inbox.backlog(rt.engine) == 0:
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive() and inbox.backlog(rt.engine) == 0
    assert len(inbound(queued_gateway)) == 1
    assert "Aduan Anda diterima" in queued_gateway.apis.sent(queued_gateway.apis.TWILIO)[0]["Body"]


def test_twilio_rest_goes_to_the_configured_api_base(clock):
    seen: list[str] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(201, json={"sid": "SM" + "0" * 32, "status": "queued"})

    channel = Twilio(
        TwilioConfig(sms_from="+15005550006", api_base="http://127.0.0.1:8099/twilio/"),
        account_sid="AC" + "0" * 32,
        auth_token="token",
        public_base_url="",
        http=httpx.Client(transport=httpx.MockTransport(api)),
    )
    sid = channel.send(OutboundMessage(1, "twilio", PHONE, "Jawaban", None, attempt_at=clock()))
    assert sid == "SM" + "0" * 32
    assert seen == [f"http://127.0.0.1:8099/twilio/2010-04-01/Accounts/AC{'0' * 32}/Messages.json"]


def test_the_inbox_of_a_sqlite_file_has_a_file_of_its_own(tmp_path, engine):
    """SQLite has one writer per file: intake must not wait behind a worker's transaction."""
    main = make_engine(f"sqlite:///{tmp_path}/desk/aduan.db")
    side = intake_engine(main)
    assert side is not main and side is intake_engine(main)  # one per engine
    assert side.url.database == f"{tmp_path}/desk/aduan.inbox.db"
    assert sa.inspect(side).get_table_names() == ["inbox"]
    if engine.url.get_backend_name() == "postgresql":  # the same database, commits not flushed
        side = intake_engine(engine)
        assert side is not engine and side.url == engine.url
        with side.connect() as conn:
            assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "off"
    memory = make_engine("sqlite://")
    assert intake_engine(memory) is memory


def test_an_acknowledged_message_is_committed(queued_gateway, db_url):
    """What a 2xx promises: the row is in the database for any other connection, at once."""
    queued_gateway.twilio(PHONE, COMPLAINT, "SM" + "c" * 32)
    other = make_engine(db_url)  # a new pool: nothing shared with the app's connections
    try:
        with session_scope(intake_engine(other)) as s:
            assert [r.provider_id for r in s.exec(select(Inbox))] == ["SM" + "c" * 32]
    finally:
        intake_engine(other).dispose()
        other.dispose()


def test_intake_survives_the_database_dropping_its_connections(queued_gateway, engine):
    """PostgreSQL restarted (or an idle timeout): the pooled intake connection is dead; the
    webhook still stores the message (one retry on a fresh connection), no 500."""
    if engine.url.get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no server to drop connections")
    assert queued_gateway.twilio(PHONE, COMPLAINT, "SM" + "d" * 32).status_code == 200
    with engine.connect() as conn:  # end every other session on this database, as a restart would
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    assert queued_gateway.twilio(OTHER, COMPLAINT, "SM" + "e" * 32).status_code == 200
    assert [r.provider_id for r in rows(queued_gateway)] == ["SM" + "d" * 32, "SM" + "e" * 32]


def test_a_busy_or_absent_database_is_not_the_messages_fault(queued_gateway, monkeypatch):
    """A locked SQLite file or a restarting server: the message waits, no attempt is counted, and
    it is handled once the database answers again (a short hiccup never sets a complaint aside)."""
    real, hiccups = service.handle_inbound, [0]

    def busy(session, msg, **kwargs):
        if hiccups[0] < 5:
            hiccups[0] += 1
            raise sa.exc.OperationalError("INSERT ...", {}, Exception("database is locked"))
        return real(session, msg, **kwargs)

    monkeypatch.setattr(service, "handle_inbound", busy)
    queued_gateway.twilio(PHONE, COMPLAINT, "SM" + "f" * 32)
    for _ in range(5):
        assert drain(queued_gateway) == 0
        (row,) = rows(queued_gateway)
        assert row.attempts == 0 and row.processed_at is None
    assert drain(queued_gateway) == 1
    (row,) = rows(queued_gateway)
    assert row.message_id is not None and row.attempts == 0
    assert [m.body for m in inbound(queued_gateway)] == [COMPLAINT]


def test_a_failure_is_charged_to_the_row_that_failed(queued_gateway, clock):
    """Worker B failed on the first message while worker A handled it: B's failure must not count
    against the sender's next message."""
    queued_gateway.twilio(PHONE, COMPLAINT, "SM" + "1a" * 16)
    queued_gateway.twilio(PHONE, f"{COMPLAINT} lagi", "SM" + "2b" * 16)
    engine = queued_gateway.runtime.engine
    first, second = rows(queued_gateway)
    with session_scope(intake_engine(engine)) as s:  # worker A marked it meanwhile
        s.get(Inbox, first.id).processed_at = clock()
    assert inbox._set_aside(engine, row_id=first.id, error=RuntimeError("x"), clock=clock)
    _, second = rows(queued_gateway)
    assert second.attempts == 0 and second.error == "" and second.processed_at is None


def failing(monkeypatch, word: str = "meledak") -> list[bool]:
    """Handling fails for messages containing `word` while the returned switch is on."""
    real, on = service.handle_inbound, [True]

    def flaky(session, msg, **kwargs):
        if on[0] and word in msg.text:
            raise RuntimeError("a bug in handling")
        return real(session, msg, **kwargs)

    monkeypatch.setattr(service, "handle_inbound", flaky)
    return on


def set_aside(gateway, sender: str, text: str, sid: str) -> Inbox:
    """A message set aside the real way: stored by its webhook, then failing every drain."""
    assert gateway.twilio(sender, text, sid).status_code == 200
    for _ in range(inbox.MAX_ATTEMPTS):
        drain(gateway)
    (row,) = [r for r in rows(gateway) if r.provider_id == sid]
    assert row.processed_at is not None and row.message_id is None and row.error == "RuntimeError"
    return row


def test_set_aside_messages_are_listed_latest_first(queued_gateway, monkeypatch, clock):
    failing(monkeypatch)
    first = set_aside(queued_gateway, PHONE, "DINKES #puskesmas meledak", "SM" + "3c" * 16)
    clock.advance(minutes=5)
    queued_gateway.twilio(OTHER, COMPLAINT, "SM" + "4d" * 16)  # handled: not listed
    second = set_aside(queued_gateway, OTHER, "DLH #sampah meledak", "SM" + "5e" * 16)
    queued_gateway.twilio(PHONE, COMPLAINT, "SM" + "6f" * 16)  # waiting: not listed
    engine = queued_gateway.runtime.engine
    assert [r.id for r in inbox.held(engine)] == [second.id, first.id]
    assert [r.id for r in inbox.held(engine, limit=1)] == [second.id]
    assert inbox.held_count(engine) == 2
    assert inbox.held(engine)[1].payload["text"] == "DINKES #puskesmas meledak"


def test_a_retried_message_is_answered_by_the_next_drain(queued_gateway, monkeypatch):
    broken = failing(monkeypatch)
    bad = set_aside(queued_gateway, PHONE, "DINKES #puskesmas meledak", "SM" + "7a" * 16)
    engine, rt = queued_gateway.runtime.engine, queued_gateway.runtime
    assert queued_gateway.apis.sent(queued_gateway.apis.TWILIO) == []

    broken[0] = False  # the bug is fixed
    was = inbox.retry(engine, bad.id, clock=rt.clock)
    assert was is not None and (was.id, was.attempts, was.error) == (bad.id, 3, "RuntimeError")
    (row,) = rows(queued_gateway)
    assert (row.processed_at, row.attempts, row.error, row.message_id) == (None, 0, "", None)
    assert inbox.held(engine) == [] and inbox.held_count(engine) == 0
    assert inbox.backlog(engine) == 1

    assert drain(queued_gateway) == 1  # handled like a new message
    (row,) = rows(queued_gateway)
    (msg,) = inbound(queued_gateway)
    assert row.message_id == msg.id and msg.provider_id == bad.provider_id
    assert msg.ticket_id is not None and msg.created_at == bad.received_at  # SLA from receipt
    sent = queued_gateway.apis.sent(queued_gateway.apis.TWILIO)
    assert {p["To"] for p in sent} == {PHONE}
    assert any("Aduan Anda diterima" in p["Body"] for p in sent), sent
    assert inbox.retry(engine, bad.id, clock=rt.clock) is None  # handled now: stays handled
    assert drain(queued_gateway) == 0


def test_retrying_a_row_that_is_not_set_aside_changes_nothing(queued_gateway, monkeypatch, clock):
    """Handled (after a failed attempt, so with its error kept), waiting, purged or unknown."""
    broken = failing(monkeypatch)
    engine = queued_gateway.runtime.engine
    gone = set_aside(queued_gateway, OTHER, "DINKES #meledak lagi", "SM" + "8b" * 16)
    later = gone.processed_at + inbox.KEEP + inbox.SET_ASIDE_KEEP + timedelta(seconds=1)
    assert inbox.purge(engine, before=later) == 1
    queued_gateway.twilio(PHONE, "DINKES #sekali meledak", "SM" + "9c" * 16)
    assert drain(queued_gateway) == 0  # one failed attempt ...
    broken[0] = False
    assert drain(queued_gateway) == 1  # ... then handled, the error of that attempt still kept
    queued_gateway.twilio(PHONE, COMPLAINT, "SM" + "0d" * 16)  # waiting
    handled, waiting = rows(queued_gateway)
    assert handled.error == "RuntimeError" and handled.message_id is not None
    assert waiting.processed_at is None
    assert inbox.held(engine) == [] and inbox.held_count(engine) == 0

    before = [r.model_dump() for r in rows(queued_gateway)]
    for row_id in (handled.id, waiting.id, gone.id, 10_000):
        assert inbox.retry(engine, row_id, clock=clock) is None, row_id
    assert [r.model_dump() for r in rows(queued_gateway)] == before


def test_a_flood_is_judged_from_how_fast_the_inbox_grows(queued_gateway):
    """More than flood_rate messages a second arriving -> flooding; the verdict is renewed over
    windows of at least half a second, and quiet again once arrivals slow down."""
    rt = queued_gateway.runtime
    now = [100.0]
    flood = worker.Flood(rt.engine, rate=100, clock=lambda: now[0])
    assert flood() is False  # the first look only takes a mark
    senders = [f"+62812{n:07d}" for n in range(120)]
    inbox.accept(
        rt.engine,
        [InboundMessage("twilio", s, COMPLAINT, f"SMf{n}", phone=s) for n, s in enumerate(senders)],
        now=rt.now(),
    )
    now[0] += 0.2
    assert flood() is False  # too short a window to judge: the verdict stands
    now[0] += 0.8
    assert flood() is True  # 120 in one second
    now[0] += 0.1
    assert flood() is True  # within the next window the verdict stands
    now[0] += 1.0
    assert flood() is False  # nothing arrived for a second: quiet again
    assert worker.Flood(rt.engine, rate=0)() is False  # 0: never


def test_during_a_flood_the_worker_takes_small_rounds_and_pauses(queued_gateway, monkeypatch):
    rt = queued_gateway.runtime
    for n in range(3):
        queued_gateway.twilio(f"+6281234567{n:03d}", COMPLAINT, f"SM{n:032d}")
    limits, pauses = [], []
    real_drain = inbox.drain

    def recording(*args, **kwargs):
        limits.append(kwargs["limit"])
        return real_drain(*args, **kwargs)

    stop = threading.Event()
    real_wait = stop.wait

    def wait(seconds):
        pauses.append(seconds)
        if len(limits) >= 2:
            stop.set()
        return real_wait(0)

    monkeypatch.setattr(inbox, "drain", recording)
    monkeypatch.setattr(worker.Flood, "__call__", lambda self: True)
    monkeypatch.setattr(stop, "wait", wait)
    worker.run(rt, stop=stop)
    assert limits[0] == worker.FLOOD_BATCH != rt.desk.config.inbound.worker_batch
    assert pauses[0] > 0  # after a round that handled messages, a pause in proportion
    assert inbox.backlog(rt.engine) == 0  # all three answered, at the slower pace


def test_a_number_flooding_the_inbox_does_not_hold_the_others_back(queued_gateway):
    """30 stored messages of one number, then one of another citizen: the first round (20 places)
    takes the flood's 10 oldest and the other citizen's message, and answers that citizen; the
    flood keeps its own order and is handled over the following rounds."""
    rt = queued_gateway.runtime
    flood = [
        InboundMessage("twilio", PHONE, f"DINKES #spam {n}", f"SMflood{n:03d}", phone=PHONE)
        for n in range(30)
    ]
    inbox.accept(rt.engine, flood, now=rt.now())
    other = InboundMessage("twilio", OTHER, COMPLAINT, "SMother", phone=OTHER)
    inbox.accept(rt.engine, [other], now=rt.now())
    assert inbox.drain(rt.engine, rt.desk, clock=rt.clock, limit=20) == inbox.PER_SENDER + 1
    handled = [m.provider_id for m in inbound(queued_gateway)]
    assert "SMother" in handled
    assert [h for h in handled if h != "SMother"] == [f"SMflood{n:03d}" for n in range(10)]
    while drain(queued_gateway):
        pass
    assert [m.provider_id for m in inbound(queued_gateway) if m.address == PHONE] == [
        f"SMflood{n:03d}" for n in range(30)
    ]


def test_a_flood_judgement_survives_the_database_being_away(queued_gateway, monkeypatch):
    """The worker loop asks for the verdict outside its guarded round: a database restarting must
    not end the loop (under `aduan run` the worker is a thread nobody restarts)."""
    rt = queued_gateway.runtime
    now = [0.0]
    flood = worker.Flood(rt.engine, rate=100, clock=lambda: now[0])
    assert flood() is False

    def away(_engine):
        raise sa.exc.OperationalError("SELECT max(id)", {}, Exception("server closed"))

    monkeypatch.setattr(inbox, "last_id", away)
    now[0] += 1.0
    assert flood() is False  # the standing verdict, no exception


def test_the_sla_clock_starts_when_the_webhook_stored_it_not_at_the_providers_time(
    queued_gateway, clock
):
    """A provider's own time stamp (WhatsApp's, Telegram's, Kannel's ts: when the phone sent it,
    from a clock Aduan does not control) is not "now": inline handling ignores it, and so must the
    worker, or a message sent offline yesterday opens a ticket already overdue."""
    sent_at = clock() - timedelta(days=1)
    queued_gateway.whatsapp(PHONE.lstrip("+"), COMPLAINT, "wamid.offline", timestamp=sent_at)
    queued_gateway.telegram(4242, 9001, 77, text=COMPLAINT, date=int(sent_at.timestamp()))
    assert {row.received_at for row in rows(queued_gateway)} == {clock()}
    clock.advance(seconds=3)
    assert drain(queued_gateway) == 2
    assert {msg.created_at for msg in inbound(queued_gateway)} == {clock() - timedelta(seconds=3)}
    with session_scope(queued_gateway.runtime.engine) as s:
        tickets = list(s.exec(select(Ticket)))
    assert len(tickets) == 2
    assert {t.received_at for t in tickets} == {clock() - timedelta(seconds=3)}

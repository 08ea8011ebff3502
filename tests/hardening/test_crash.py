"""Crash safety of `aduan serve --workers 2` on SQLite: kill -9 a worker, and the whole server, during a
burst of signed Twilio webhooks (and of simulator messages). Every acknowledged message is stored with its
ticket; the provider's retries of unacknowledged ones (same MessageSid) are stored once. Bounded: a few
hundred requests, well under a minute each."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import pytest
from sqlmodel import select

from bot import inbox
from bot.demo import seed_demo
from bot.messages import Direction
from store.db import init_db, intake_engine, make_engine, session_scope
from store.models import Inbox, Message
from tests.conftest import START
from tests.hardening.serving import ServeProcess, post_message, post_twilio

pytestmark = pytest.mark.crash
PHONES = [f"0812345{i:05d}" for i in range(1, 25)]
COUNT = 160


def seeded_file(tmp: Path) -> str:
    url = f"sqlite:///{tmp}/crash.db"
    engine = make_engine(url)
    init_db(engine)
    with session_scope(engine) as s:
        seed_demo(s, now=START)
    engine.dispose()
    return url


SENDERS = {"simulator": post_message, "twilio": post_twilio}
# how a burst arrives: the simulator and Twilio answered in the request, and Twilio with queued
# intake (the webhook only stores; the inbox worker beside gunicorn answers)
PATHS = {"simulator": ("simulator", False), "twilio": ("twilio", False), "queued": ("twilio", True)}


def burst(
    port: int, ids: list[str], *, kill_after: int | None = None, kill=None, via: str = "simulator"
) -> dict[str, dict]:
    """Send every id from 8 client threads; call kill() once `kill_after` answers came back."""
    acked: dict[str, dict] = {}
    send = SENDERS[via]
    with ThreadPoolExecutor(8) as pool:
        futures = {
            pool.submit(send, port, i, PHONES[n % len(PHONES)], f"DISHUB #jalan rusak {i}"): i
            for n, i in enumerate(ids)
        }
        for done, future in enumerate(as_completed(futures), start=1):
            if future.result() is not None:
                acked[futures[future]] = future.result()
            if kill is not None and done == kill_after:
                kill()
    return acked


def stored(url: str) -> dict[str, list[int | None]]:
    """provider id -> ticket ids of the inbound messages stored with it."""
    engine = make_engine(url)
    with session_scope(engine) as s:
        rows = s.exec(select(Message).where(Message.direction == Direction.IN)).all()
        found: dict[str, list[int | None]] = {}
        for m in rows:
            found.setdefault(m.provider_id or "", []).append(m.ticket_id)
    engine.dispose()
    return found


def replies_per_message(url: str) -> dict[int, int]:
    """inbound message id -> how many replies were queued to it (one each: never twice)."""
    engine = make_engine(url)
    with session_scope(engine) as s:
        inbound = s.exec(select(Message.id).where(Message.direction == Direction.IN)).all()
        out = s.exec(select(Message.reply_to_id).where(Message.direction == Direction.OUT)).all()
    engine.dispose()
    return {i: out.count(i) for i in inbound}


def settle(server: ServeProcess, url: str, seconds: float = 60) -> None:
    """Queued intake: wait until the inbox worker has handled everything that was stored."""
    if not server.queued:
        return
    engine = make_engine(url)
    try:
        deadline = time.monotonic() + seconds
        while inbox.backlog(engine):
            assert time.monotonic() < deadline, "the inbox worker did not catch up"
            time.sleep(0.1)
    finally:
        intake_engine(engine).dispose()
        engine.dispose()


def check_after_retry(
    server: ServeProcess, url: str, ids: list[str], acked: dict, via: str
) -> None:
    settle(server, url)
    rows = stored(url)
    for i in acked:
        assert len(rows.get(i, [])) == 1 and rows[i][0] is not None, f"acked {i} lost"
    missing = [i for i in ids if i not in acked]
    retried = burst(server.port, missing, via=via)
    assert set(retried) == set(missing), "every retry is answered once the server is back"
    first = list(acked)[:20]
    again = burst(server.port, first, via=via)  # retries of acked ones: replayed, not stored
    assert set(again) == set(first)
    if via == "simulator":
        assert all(r["duplicate"] for r in again.values())
    else:  # the provider gets the same TwiML answer again
        assert all(again[i]["twiml"] == acked[i]["twiml"] for i in first)
    settle(server, url)
    rows = stored(url)
    assert sorted(rows) == sorted(ids), "every message stored"
    assert all(len(t) == 1 and t[0] is not None for t in rows.values()), "once, with its ticket"
    assert set(replies_per_message(url).values()) == {1}, "one reply each, none twice"


@pytest.mark.parametrize("path", list(PATHS))
def test_kill_one_worker_during_a_burst(tmp_path, path):
    via, queued = PATHS[path]
    url = seeded_file(tmp_path)
    server = ServeProcess(tmp_path, url, queued=queued)
    server.start()
    try:
        ids = [f"SMw{n:031d}" for n in range(COUNT)]
        killed: list[int] = []
        acked = burst(
            server.port,
            ids,
            kill_after=40,
            kill=lambda: killed.append(server.kill_worker()),
            via=via,
        )
        assert killed and len(acked) >= 40
        check_after_retry(server, url, ids, acked, via)
        assert killed[0] not in server.worker_pids() and len(server.worker_pids()) == 2
    finally:
        server.stop()


@pytest.mark.parametrize("path", list(PATHS))
def test_kill_the_whole_server_during_a_burst(tmp_path, path):
    via, queued = PATHS[path]
    url = seeded_file(tmp_path)
    server = ServeProcess(tmp_path, url, queued=queued)
    server.start()
    try:
        ids = [f"SMs{n:031d}" for n in range(COUNT)]
        acked = burst(server.port, ids, kill_after=50, kill=server.kill_all, via=via)
        assert 50 <= len(acked) < COUNT, "the server died mid-burst"
        server.start()
        check_after_retry(server, url, ids, acked, via)
    finally:
        server.stop()


def test_ten_messages_at_once_across_four_workers(seeded, db_url, tmp_path):
    """The issue's case on the test database (PostgreSQL under make test-pg): one ticket, ten messages."""
    server = ServeProcess(tmp_path, db_url, workers=4)
    server.start()
    try:
        with ThreadPoolExecutor(10) as pool:
            answers = list(
                pool.map(
                    lambda n: post_message(server.port, f"c-{n}", PHONES[0], f"DISHUB #lampu {n}"),
                    range(10),
                )
            )
    finally:
        server.stop()
    assert all(a is not None for a in answers)
    assert len({a["ticket"] for a in answers}) == 1  # type: ignore[index]
    rows = stored(db_url)
    assert sorted(rows) == sorted(f"c-{n}" for n in range(10))
    assert len({t for ts in rows.values() for t in ts}) == 1


def test_kill_the_inbox_worker_while_it_answers(tmp_path):
    """Queued intake: the webhook has stored a burst; the worker answering it is killed (-9) twice
    midway. It is started again, and every message ends up stored once with its ticket."""
    url = seeded_file(tmp_path)
    server = ServeProcess(tmp_path, url, queued=True)
    server.start()
    try:
        ids = [f"SMq{n:031d}" for n in range(COUNT)]
        acked = burst(server.port, ids, via="twilio")
        assert set(acked) == set(ids)
        # the master starts inbox workers from its main loop: a thread spawning a process while
        # gunicorn forks a web worker could hang on the pipe the web worker inherited
        assert server.master_threads() == 1
        killed = []
        for _ in range(2):
            deadline = time.monotonic() + 30
            while (pid := server.inbox_worker_pid()) is None or pid in killed:
                assert time.monotonic() < deadline, server.describe(killed)
                time.sleep(0.05)
            time.sleep(0.3)  # let it get into the backlog
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        settle(server, url)
        rows = stored(url)
        assert sorted(rows) == sorted(ids), "every message stored"
        assert all(len(t) == 1 and t[0] is not None for t in rows.values()), "once, with its ticket"
        assert set(replies_per_message(url).values()) == {1}, "one reply each, none twice"
        assert server.inbox_worker_pid() not in (None, *killed)
    finally:
        server.stop()


def test_a_queued_server_stops_on_sigterm(tmp_path):
    """SIGTERM (systemd, docker stop) stops gunicorn and its inbox worker within seconds; what is
    stored and not yet answered waits for the next start."""
    url = seeded_file(tmp_path)
    server = ServeProcess(tmp_path, url, queued=True)
    server.start()
    ids = [f"SMt{n:031d}" for n in range(40)]
    assert set(burst(server.port, ids, via="twilio")) == set(ids)
    assert server.proc is not None
    os.killpg(server.proc.pid, signal.SIGTERM)
    server.proc.wait(15)  # raises TimeoutExpired when something hangs on shutdown
    deadline = time.monotonic() + 5
    while True:  # no process of the server's group is left (web workers, the inbox worker)
        try:
            os.killpg(server.proc.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "a child outlived the server"
        time.sleep(0.1)


def test_one_citizens_burst_through_queued_intake_and_two_inbox_workers(seeded, db_url, tmp_path):
    """The issue's concurrency case with queued intake, on the test database (PostgreSQL under make
    test-pg): ten messages at once across four web workers, answered by two inbox workers -> one
    ticket, ten messages, in the order they were stored."""
    server = ServeProcess(tmp_path, db_url, workers=4, queued=True, inbox_workers=2)
    server.start()
    try:
        deadline = time.monotonic() + 20
        while len(server.inbox_worker_pids()) < 2:
            assert time.monotonic() < deadline, "two inbox workers should run"
            time.sleep(0.1)
        with ThreadPoolExecutor(10) as pool:
            acks = list(
                pool.map(
                    lambda n: post_twilio(
                        server.port, f"SMc{n:031d}", PHONES[0], f"DISHUB #lampu {n}"
                    ),
                    range(10),
                )
            )
        assert all(a is not None for a in acks)
        settle(server, db_url)
    finally:
        server.stop()
    engine = make_engine(db_url)
    try:
        with session_scope(intake_engine(engine)) as s:
            stored_order = [r.provider_id for r in s.exec(select(Inbox).order_by(Inbox.id))]
        with session_scope(engine) as s:
            inbound = s.exec(
                select(Message).where(Message.direction == Direction.IN).order_by(Message.id)
            ).all()
    finally:
        intake_engine(engine).dispose()
        engine.dispose()
    assert [m.provider_id for m in inbound] == stored_order and len(stored_order) == 10
    assert len({m.ticket_id for m in inbound}) == 1 and inbound[0].ticket_id is not None

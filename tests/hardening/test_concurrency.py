"""Concurrency through the service on the real database (SQLite, or PostgreSQL with TEST_DATABASE_URL):
threads, each with its own session, as web workers would be."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import select

from bot import service, tickets
from bot.messages import Direction, DraftStatus, InboundMessage
from store.db import session_scope
from store.models import Conversation, Draft, Message, Outbox, Ticket

PHONE = "+6281234567890"
TEXT = "DISHUB #lampu lalu lintas di simpang lima mati"  # drafts an answer from the demo library


def test_ten_simultaneous_messages_make_one_ticket(seeded, desk, clock):
    barrier = threading.Barrier(10)

    def send(i: int):
        msg = InboundMessage("simulator", PHONE, f"{TEXT} bagian {i}", f"sim-{i}", phone=PHONE)
        barrier.wait()
        return service.process_inbound(
            seeded, msg, now=clock() + timedelta(milliseconds=i), desk=desk, inline=True
        )

    with ThreadPoolExecutor(10) as pool:
        outcomes = list(pool.map(send, range(10)))
    assert len({o.ticket for o in outcomes}) == 1 and outcomes[0].ticket
    acks = sorted(o.replies[0].split(".")[0] for o in outcomes)
    assert acks.count("Aduan Anda diterima") == 1, acks  # one opened it, nine were appended
    with session_scope(seeded) as s:
        (ticket,) = s.exec(select(Ticket)).all()
        inbound = s.exec(
            select(Message).where(Message.direction == Direction.IN).order_by(Message.id)  # type: ignore[arg-type]
        ).all()
    assert len(inbound) == 10 and {m.ticket_id for m in inbound} == {ticket.id}
    assert sorted(m.provider_id for m in inbound) == sorted(f"sim-{i}" for i in range(10))
    # the order of the thread is the order they were handled, one at a time (ids follow the lock)
    assert [m.id for m in inbound] == sorted(o.message_id for o in outcomes)


def test_same_message_retried_concurrently_is_stored_once(seeded, desk, clock):
    barrier = threading.Barrier(6)
    msg = InboundMessage("simulator", PHONE, TEXT, "provider-retry-1", phone=PHONE)

    def send(_i: int):
        barrier.wait()
        return service.process_inbound(seeded, msg, now=clock(), desk=desk, inline=True)

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(send, range(6)))
    assert sum(not o.duplicate for o in outcomes) == 1
    assert len({o.message_id for o in outcomes}) == 1
    with session_scope(seeded) as s:
        assert len(s.exec(select(Message).where(Message.direction == Direction.IN)).all()) == 1


def test_two_officers_approving_the_same_draft_send_once(seeded, desk, clock):
    outcome = service.process_inbound(
        seeded, InboundMessage("simulator", PHONE, TEXT, None, phone=PHONE), now=clock(), desk=desk
    )
    with session_scope(seeded) as s:
        (draft,) = s.exec(select(Draft)).all()
        draft_id = draft.id
        outbox_before = len(s.exec(select(Outbox)).all())
    postgres = seeded.url.get_backend_name() == "postgresql"
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def approve(actor: str) -> None:
        if not postgres:
            barrier.wait()  # SQLite: BEGIN IMMEDIATE would block the other thread inside the barrier
        try:
            with session_scope(seeded) as s:
                d = s.get(Draft, draft_id)
                if postgres:
                    barrier.wait()  # both have read the draft as pending
                service.approve_draft(s, d, now=clock(), desk=desk, actor=actor)
            results[actor] = "sent"
        except ValueError:
            results[actor] = "refused"

    threads = [threading.Thread(target=approve, args=(a,)) for a in ("petugas", "admin")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results.values()) == ["refused", "sent"], results
    with session_scope(seeded) as s:
        answers = s.exec(select(Outbox)).all()
        assert len(answers) == outbox_before + 1
        assert s.get(Draft, draft_id).status is DraftStatus.APPROVED
        winner = next(a for a, r in results.items() if r == "sent")
        assert s.get(Draft, draft_id).decided_by == winner
    assert outcome.ticket


def test_an_answer_racing_the_citizens_next_message_waits_instead_of_deadlocking(
    seeded, desk, clock
):
    first = service.process_inbound(
        seeded, InboundMessage("simulator", PHONE, TEXT, None, phone=PHONE), now=clock(), desk=desk
    )
    later = clock() + timedelta(hours=1)
    errors: list[Exception] = []

    def officer() -> None:
        try:
            with session_scope(seeded) as s:
                ticket = s.exec(select(Ticket).where(Ticket.number == first.ticket)).one()
                tickets.reply(s, ticket, "Sudah kami perbaiki.", now=later, desk=desk, actor="budi")
        except Exception as exc:  # noqa: BLE001 - the test reports whatever happened
            errors.append(exc)

    thread = threading.Thread(target=officer)
    with session_scope(seeded) as s:
        # the citizen's next message is being handled (contact locked, conversation read) ...
        msg = InboundMessage("simulator", PHONE, "DINKES", None, phone=PHONE)
        service.handle_inbound(s, msg, now=later, desk=desk)
        thread.start()  # ... when the officer sends an answer
        thread.join(1.5)  # PostgreSQL's deadlock_timeout is 1 s: a deadlock would be reported now
        assert thread.is_alive(), errors  # the answer waits for the citizen's transaction
    thread.join(30)
    assert errors == []
    with session_scope(seeded) as s:
        conversation = s.exec(select(Conversation)).one()
        assert conversation.state == "awaiting_text"  # the citizen's question is still pending
        answers = s.exec(select(Message).where(Message.author == "budi")).all()
        assert len(answers) == 1 and "Sudah kami perbaiki." in answers[0].body

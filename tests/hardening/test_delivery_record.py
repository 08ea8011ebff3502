"""Recording a send and its receipts (bot/delivery.py): a provider id given out again does not keep a
row 'sending' forever, one row's bookkeeping does not hold up a batch, a lease that keeps running out
ends in 'failed' after max_attempts, and out-of-order receipts never move a row backwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot import delivery
from bot.channels.simulator import Simulator
from bot.config import DeliveryConfig
from bot.messages import Direction, OutboundMessage, OutboxStatus, StatusUpdate
from store import repo
from store.db import session_scope
from store.models import Message, Outbox

CFG = DeliveryConfig(max_attempts=2)
ADDRESS = "+6281234567890"


class Counting(Simulator):
    def __init__(self) -> None:
        self.sent: list[int] = []

    def send(self, msg: OutboundMessage) -> str:
        self.sent.append(msg.outbox_id)
        return super().send(msg)


def queue(engine, now, count: int = 1) -> list[int]:
    with session_scope(engine) as s:
        for i in range(count):
            repo.queue_reply(
                s, body=f"jawaban {i}", channel="simulator", address=ADDRESS, now=now,
                ticket_id=None, contact_id=None,
            )  # fmt: skip
    return [r.id for r in rows(engine)]  # type: ignore[misc]


def rows(engine) -> list[Outbox]:
    with session_scope(engine) as s:
        return list(s.exec(select(Outbox).order_by(Outbox.id)))  # type: ignore[arg-type]


def message(engine, message_id: int) -> Message:
    with session_scope(engine) as s:
        return s.get(Message, message_id)  # type: ignore[return-value]


def test_a_provider_id_another_message_holds_is_kept_on_the_outbox_row(engine, clock):
    """The simulator's id for our reply is what a citizen's earlier message carried (as Gammu
    SMSD's restarted outbox IDs would be an older message's): the send is recorded once."""
    [outbox_id] = queue(engine, clock())
    with session_scope(engine) as s:
        older = Message(
            direction=Direction.IN, channel="simulator", address=ADDRESS,
            provider_id=f"sim-{outbox_id}", body="tambahan", created_at=clock(),
        )  # fmt: skip
        s.add(older)
        s.flush()
        older_id = older.id
    channel = Counting()
    assert delivery.dispatch(engine, {"simulator": channel}, now=clock(), cfg=CFG) == 1
    later = clock() + delivery.LEASE * 3
    assert delivery.dispatch(engine, {"simulator": channel}, now=later, cfg=CFG) == 0
    assert channel.sent == [outbox_id]
    [row] = rows(engine)
    assert row.status is OutboxStatus.SENT and row.provider_id == f"sim-{outbox_id}"
    assert message(engine, row.message_id).provider_id is None
    assert message(engine, older_id).provider_id == f"sim-{outbox_id}"  # still its dedupe key
    # a receipt for that id finds the outbox row
    update = StatusUpdate("simulator", f"sim-{outbox_id}", OutboxStatus.DELIVERED)
    assert delivery.apply_status(engine, update, now=later)
    assert rows(engine)[0].status is OutboxStatus.DELIVERED


def test_one_row_that_cannot_be_recorded_does_not_hold_up_the_batch(engine, clock, monkeypatch):
    first, *others = queue(engine, clock(), 3)
    record = delivery._record

    def failing(engine_, msg, **kw):
        if msg.outbox_id == first:
            raise RuntimeError("recording failed")
        record(engine_, msg, **kw)

    monkeypatch.setattr(delivery, "_record", failing)
    channel = Counting()
    assert delivery.dispatch(engine, {"simulator": channel}, now=clock(), cfg=CFG) == 2
    assert channel.sent == [first, *others]
    statuses = [r.status for r in rows(engine)]
    assert statuses == [OutboxStatus.SENDING, OutboxStatus.SENT, OutboxStatus.SENT]


def test_a_row_whose_lease_keeps_running_out_fails_after_max_attempts(engine, clock):
    queue(engine, clock())
    channel = Counting()
    assert len(delivery.claim(engine, now=clock(), max_attempts=CFG.max_attempts)) == 1
    later = clock() + delivery.LEASE + timedelta(seconds=1)
    assert len(delivery.claim(engine, now=later, max_attempts=CFG.max_attempts)) == 1  # attempt 2
    last = later + delivery.LEASE + timedelta(seconds=1)  # ...and that dispatcher died too
    assert delivery.dispatch(engine, {"simulator": channel}, now=last, cfg=CFG) == 0
    assert channel.sent == []
    [row] = rows(engine)
    assert row.status is OutboxStatus.FAILED and row.attempts == 2
    assert row.next_attempt_at is None
    assert "mungkin sudah atau belum sampai" in row.error and "may or may not" in row.error
    assert not delivery.anything_due(engine, now=last + timedelta(days=1))


def test_a_send_slower_than_its_last_lease_is_still_recorded_as_sent(engine, clock):
    queue(engine, clock())
    delivery.claim(engine, now=clock(), max_attempts=CFG.max_attempts)
    later = clock() + delivery.LEASE + timedelta(seconds=1)
    [slow] = delivery.claim(engine, now=later, max_attempts=CFG.max_attempts)
    last = later + delivery.LEASE + timedelta(seconds=1)
    assert delivery.claim(engine, now=last, max_attempts=CFG.max_attempts) == []  # given up
    assert rows(engine)[0].status is OutboxStatus.FAILED
    delivery._record(engine, slow, now=last, cfg=CFG, provider_id="sim-slow", error=None)
    [row] = rows(engine)
    assert row.status is OutboxStatus.SENT and row.error == "" and row.provider_id == "sim-slow"


def _receipts(engine, clock, *statuses: OutboxStatus) -> Outbox:
    [outbox_id] = queue(engine, clock())
    with session_scope(engine) as s:
        row = s.get(Outbox, outbox_id)
        row.status, row.provider_id = OutboxStatus.SENT, "SM1"  # type: ignore[union-attr]
    for i, status in enumerate(statuses):
        error = "Twilio 30003: Unreachable" if status is OutboxStatus.FAILED else ""
        update = StatusUpdate("simulator", "SM1", status, error)
        assert delivery.apply_status(engine, update, now=clock() + timedelta(seconds=i))
    return rows(engine)[0]


@pytest.mark.parametrize(
    ("order", "final"),
    [
        ((OutboxStatus.FAILED, OutboxStatus.SENT), OutboxStatus.FAILED),
        ((OutboxStatus.DELIVERED, OutboxStatus.SENT), OutboxStatus.DELIVERED),
        ((OutboxStatus.DELIVERED, OutboxStatus.FAILED), OutboxStatus.DELIVERED),
        ((OutboxStatus.FAILED, OutboxStatus.DELIVERED), OutboxStatus.DELIVERED),
        ((OutboxStatus.SENT, OutboxStatus.FAILED), OutboxStatus.FAILED),
    ],
)
def test_receipts_arriving_out_of_order_never_move_a_row_back(engine, clock, order, final):
    row = _receipts(engine, clock, *order)
    assert row.status is final
    if final is OutboxStatus.FAILED:
        assert row.error == "Twilio 30003: Unreachable"
    if final is OutboxStatus.DELIVERED:
        assert row.error == "" and row.delivered_at is not None


def test_a_second_delivered_receipt_keeps_the_first_delivery_time(engine, clock):
    row = _receipts(engine, clock, OutboxStatus.DELIVERED, OutboxStatus.DELIVERED)
    assert row.delivered_at == clock()


def test_a_receipt_for_a_provider_id_given_out_again_goes_to_the_newest_row(engine, clock):
    first, second = queue(engine, clock(), 2)
    with session_scope(engine) as s:
        for outbox_id in (first, second):
            row = s.get(Outbox, outbox_id)
            row.status, row.provider_id = OutboxStatus.SENT, "5"  # type: ignore[union-attr]
    update = StatusUpdate("simulator", "5", OutboxStatus.FAILED, "SMSD SendingError")
    assert delivery.apply_status(engine, update, now=clock())
    assert [r.status for r in rows(engine)] == [OutboxStatus.SENT, OutboxStatus.FAILED]

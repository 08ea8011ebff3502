"""What bot/delivery.py promises across crashes: a claimed row is never sent by two dispatchers at once;
a row whose dispatcher died after claiming it is sent again once its lease has run out (at least once);
every row ends up sent exactly once when nobody dies mid-send."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlmodel import select

from bot import delivery
from bot.channels.simulator import Simulator
from bot.config import DeliveryConfig
from bot.messages import OutboxStatus
from store import repo
from store.db import session_scope
from store.models import Outbox

CHANNELS = {"simulator": Simulator()}
CFG = DeliveryConfig()


def queue(engine, now, count: int) -> None:
    with session_scope(engine) as s:
        for i in range(count):
            repo.queue_reply(
                s, body=f"jawaban {i}", channel="simulator", address="+6281234567890", now=now,
                ticket_id=None, contact_id=None,
            )  # fmt: skip


def rows(engine) -> list[Outbox]:
    with session_scope(engine) as s:
        return list(s.exec(select(Outbox).order_by(Outbox.id)))  # type: ignore[arg-type]


def test_rows_claimed_by_a_dead_dispatcher_go_out_after_the_lease(engine, clock):
    queue(engine, clock(), 5)
    claimed = delivery.claim(engine, now=clock())  # ...and the process dies before sending
    assert len(claimed) == 5
    assert delivery.dispatch(engine, CHANNELS, now=clock() + timedelta(minutes=1), cfg=CFG) == 0
    later = clock() + delivery.LEASE + timedelta(seconds=1)
    assert delivery.dispatch(engine, CHANNELS, now=later, cfg=CFG) == 5
    assert delivery.dispatch(engine, CHANNELS, now=later + timedelta(hours=1), cfg=CFG) == 0
    for row in rows(engine):
        assert row.status is OutboxStatus.SENT and row.provider_id == f"sim-{row.id}"
        assert row.attempts == 2  # claimed twice: the documented at-least-once after a crash


def test_concurrent_dispatchers_send_each_row_once(engine, clock):
    queue(engine, clock(), 30)
    barrier = threading.Barrier(3)
    sent: list[int] = []

    def run() -> None:
        barrier.wait()
        sent.append(delivery.dispatch(engine, CHANNELS, now=clock(), cfg=CFG, limit=7))
        sent.append(delivery.dispatch(engine, CHANNELS, now=clock(), cfg=CFG, limit=30))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(sent) == 30
    assert all(r.status is OutboxStatus.SENT and r.attempts == 1 for r in rows(engine))


def test_a_row_reclaimed_after_its_lease_is_not_sent_by_the_slow_dispatcher(engine, clock):
    """A slow provider held a batch past the lease; another dispatcher claimed the rest again.
    The first one must skip those rows rather than send them a second time."""
    queue(engine, clock(), 2)
    slow = delivery.claim(engine, now=clock())
    later = clock() + delivery.LEASE + timedelta(seconds=1)
    fresh = delivery.claim(engine, now=later)  # the lease ran out: claimed again
    assert [m.outbox_id for m in fresh] == [m.outbox_id for m in slow]
    assert delivery.deliver_one(engine, CHANNELS, slow[1], now=later, cfg=CFG) is False
    assert rows(engine)[1].status is OutboxStatus.SENDING  # still the second dispatcher's
    assert delivery.deliver_one(engine, CHANNELS, fresh[1], now=later, cfg=CFG) is True
    assert rows(engine)[1].status is OutboxStatus.SENT and rows(engine)[1].attempts == 2


def test_a_delivery_report_committed_while_the_send_is_recorded_is_kept(engine, clock):
    """Kannel's fake SMSC reports delivery within milliseconds: its 'delivered' may commit after the
    dispatcher read the row as 'sending' and before it wrote 'sent'. The dispatcher's read locks
    the row, so it waits for the report and keeps it (CI caught the lost update on PostgreSQL)."""
    queue(engine, clock(), 1)
    [msg] = delivery.claim(engine, now=clock())
    with session_scope(engine) as s:
        s.get(Outbox, msg.outbox_id).provider_id = "sim-dlr"  # type: ignore[union-attr]
    with session_scope(engine) as s:  # the report's transaction (as apply_status), still open...
        row = s.exec(select(Outbox).where(Outbox.id == msg.outbox_id).with_for_update()).one()
        row.status, row.delivered_at = OutboxStatus.DELIVERED, clock()
        s.flush()
        recorder = threading.Thread(
            target=delivery._record,
            args=(engine, msg),
            kwargs={"now": clock(), "cfg": CFG, "provider_id": "sim-dlr", "error": None},
        )
        recorder.start()  # ...while the dispatcher records its send
        recorder.join(0.5)
        assert recorder.is_alive(), "the dispatcher waits for the report's transaction"
    recorder.join(10)
    [row] = rows(engine)
    assert row.status is OutboxStatus.DELIVERED and row.sent_at is not None

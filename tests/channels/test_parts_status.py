"""A long SMS goes out in "(i/n)" parts, each with its own Twilio Message SID and status callback:
the outbox row counts as delivered only once every part was, and as failed as soon as one failed."""

from __future__ import annotations

from sqlmodel import col, select

from store.db import session_scope
from store.models import Outbox, OutboxPart, Ticket
from tests.channels.test_contacts import COMPLAINT, PHONE, answer

LONG = " ".join(["Puskesmas buka lagi pukul 07.00 setelah perbaikan listrik selesai."] * 6)


def parts_of(gateway, row: Outbox) -> list[OutboxPart]:
    with session_scope(gateway.runtime.engine) as s:
        stmt = select(OutboxPart).where(OutboxPart.outbox_id == row.id)
        return list(s.exec(stmt.order_by(col(OutboxPart.part))))


def ticket_status(gateway) -> str:
    with session_scope(gateway.runtime.engine) as s:
        return s.exec(select(Ticket.status)).one()


def row_now(gateway, row: Outbox) -> Outbox:
    with session_scope(gateway.runtime.engine) as s:
        return s.get(Outbox, row.id)


def test_every_part_sid_is_recorded_and_all_must_be_delivered(gateway, clock):
    gateway.twilio(PHONE, COMPLAINT, "SM" + "4" * 32)
    row = answer(gateway, clock, LONG)
    parts = parts_of(gateway, row)
    sent = gateway.apis.sent(gateway.apis.TWILIO)[-len(parts) :]
    assert len(parts) >= 3 and all(p["Body"].startswith("(") for p in sent)
    assert row.provider_id == parts[0].provider_id
    assert len({p.provider_id for p in parts}) == len(parts)
    for part in parts[:-1]:
        assert gateway.twilio_status(part.provider_id, "delivered").status_code == 200
        assert row_now(gateway, row).status == "sent"  # not every part yet
    gateway.twilio_status(parts[-1].provider_id, "delivered")
    done = row_now(gateway, row)
    assert done.status == "delivered" and done.delivered_at == clock()


def test_a_later_part_that_fails_fails_the_message_with_its_error(gateway, clock):
    gateway.twilio(PHONE, COMPLAINT, "SM" + "5" * 32)
    row = answer(gateway, clock, LONG)
    first, second, *rest = parts_of(gateway, row)
    gateway.twilio_status(first.provider_id, "delivered")
    gateway.twilio_status(second.provider_id, "undelivered", ErrorCode="30003")
    for part in rest:
        gateway.twilio_status(part.provider_id, "delivered")
    failed = row_now(gateway, row)
    assert failed.status == "failed"
    assert failed.error.startswith(f"part 2/{2 + len(rest)}: Twilio 30003")
    assert ticket_status(gateway) == "open"  # the answer did not arrive whole
    gateway.twilio_status(second.provider_id, "delivered")  # the carrier retried and succeeded
    assert row_now(gateway, row).status == "delivered"
    assert ticket_status(gateway) == "answered"  # it did after all

"""A provider delivering the same webhook three times at once (threads, real database) leaves one
message and at most one reply, on every path."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from store.db import session_scope
from store.models import Message, Outbox

COMPLAINT = "DINKES #puskesmas tutup jam 10"
DELIVERIES = {
    "twilio": lambda g: g.twilio("+6281234567890", COMPLAINT, "SM" + "7" * 32),
    "twilio-whatsapp": lambda g: g.twilio("whatsapp:+6281234567890", COMPLAINT, "SM" + "8" * 32),
    "telegram": lambda g: g.telegram(5550002, update_id=7, message_id=70, text=COMPLAINT),
    "whatsapp": lambda g: g.whatsapp("6281234567892", COMPLAINT, "wamid.CONCURRENT"),
}


@pytest.mark.parametrize("path", sorted(DELIVERIES))
def test_three_concurrent_deliveries_store_one_message_and_one_reply(gateway, path):
    deliver = DELIVERIES[path]
    start = threading.Barrier(3)

    def once(_: int):
        start.wait()
        return deliver(gateway)

    with ThreadPoolExecutor(max_workers=3) as pool:
        responses = list(pool.map(once, range(3)))
    assert [r.status_code for r in responses] == [200, 200, 200]
    with session_scope(gateway.runtime.engine) as s:
        inbound = list(s.exec(select(Message).where(Message.direction == "in")))
        replies = list(s.exec(select(Outbox)))
    assert [m.body for m in inbound] == [COMPLAINT]
    assert len(replies) == 1
    # REST paths: the reply went out once; TwiML repeats it inline, and Twilio keeps one answer
    assert len(gateway.apis.calls) == (0 if path.startswith("twilio") else 1)
    if path.startswith("twilio"):
        assert all("Aduan Anda diterima" in r.get_data(as_text=True) for r in responses)

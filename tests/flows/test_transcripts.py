"""Flow transcripts as data: (message, expected state, expected action names/reply keys) per turn."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import flows
from bot.flows import Reply, Snapshot, State, TicketRef
from bot.parsers import UnitRef, normalize_text, parse_message

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
UNITS = [
    UnitRef("DISHUB", ("PERHUBUNGAN",)),
    UnitRef("DINKES", ("KESEHATAN",)),
    UnitRef("PDAM", ()),
]
OPEN = (TicketRef("4827193", "DISHUB"),)


def _names(step: flows.Step) -> list[str]:
    return [a.key if isinstance(a, Reply) else type(a).__name__ for a in step.actions]


# Each turn: (text, open tickets before the turn, expected state after, expected actions)
TRANSCRIPTS = {
    "coded complaint": [("DISHUB #lampu mati", (), "idle", ["FileComplaint"])],
    "follow-up appends": [("masih mati", OPEN, "idle", ["AppendToTicket"])],
    "greeting gets help": [("halo", (), "idle", ["help"])],
    "near miss then yes": [
        ("dishb #jalan", (), "awaiting_unit", ["confirm_unit"]),
        ("YA", (), "idle", ["FileComplaint"]),
    ],
    "near miss then no": [
        ("dinks #antri lama", (), "awaiting_unit", ["confirm_unit"]),
        ("tidak", (), "idle", ["help"]),
    ],
    "near miss then a proper complaint": [
        ("dishb #jalan", (), "awaiting_unit", ["confirm_unit"]),
        ("PDAM #air keruh", (), "idle", ["FileComplaint"]),
    ],
    "near miss without text asks for it": [
        ("dishb #", (), "awaiting_unit", ["confirm_unit"]),
        ("ya", (), "awaiting_text", ["ask_text"]),
        ("lampu mati di pasar", (), "idle", ["FileComplaint"]),
    ],
    "code only then text": [
        ("DINKES", (), "awaiting_text", ["ask_text"]),
        ("puskesmas tutup jam 10", (), "idle", ["FileComplaint"]),
    ],
    "keyword mid-flow keeps the question": [
        ("DINKES", (), "awaiting_text", ["ask_text"]),
        ("STATUS", (), "awaiting_text", ["ShowStatus"]),
        ("antrian lama sekali", (), "idle", ["FileComplaint"]),
    ],
    "cancel mid-flow": [
        ("DINKES", (), "awaiting_text", ["ask_text"]),
        ("BATAL", (), "idle", ["cancelled"]),
        ("BATAL", (), "idle", ["nothing_to_cancel"]),
    ],
    "stop and start": [
        ("STOP", (), "idle", ["SetOptOut", "opted_out"]),
        ("MULAI", (), "idle", ["SetOptOut", "opted_in"]),
    ],
    "unknown code": [("XYZABC #jalan rusak", (), "idle", ["unknown_code"])],
    "help and codes": [("BANTUAN", (), "idle", ["help"]), ("KODE", (), "idle", ["codes"])],
    "yes with nothing pending and an open ticket is added to it": [
        ("ya", OPEN, "idle", ["AppendToTicket"])
    ],
}


@pytest.mark.parametrize("name", list(TRANSCRIPTS), ids=list(TRANSCRIPTS))
def test_transcript(name):
    state, data = State.IDLE, {}
    for turn, (text, open_tickets, want_state, want_actions) in enumerate(TRANSCRIPTS[name]):
        normalised = normalize_text(text)
        snap = Snapshot(state, normalised, data, open_tickets)
        step = flows.step(snap, parse_message(normalised, UNITS), NOW)
        assert (step.state.value, _names(step)) == (want_state, want_actions), (
            f"turn {turn}: {text!r}"
        )
        state, data = step.state, step.data


def test_pending_complaint_text_is_carried_to_the_ticket():
    snap = Snapshot(State.IDLE, "dishb #lampu mati", {}, ())
    asked = flows.step(snap, parse_message(snap.text, UNITS), NOW)
    done = flows.step(Snapshot(asked.state, "ya", asked.data, ()), parse_message("ya", UNITS), NOW)
    assert done.actions == (flows.FileComplaint("DISHUB", "lampu mati"),)

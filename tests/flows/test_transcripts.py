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
    UnitRef("DLH", ("LINGKUNGAN",)),
]
OPEN = (TicketRef("4827193", "DISHUB"),)
BOTH = (TicketRef("5930412", "DLH"), TicketRef("4827193", "DISHUB"))
OPEN_DLH = (TicketRef("5930412", "DLH"),)
# What the service would put in the snapshot: the routing's guess, the unit order, DLH's question.
DESK = {
    "units": ("DLH", "DISHUB", "DINKES", "PDAM"),
    "questions": {"DLH": ("Di mana lokasinya?",)},
}
DLH = {"suggested": "DLH"}
NAME = {"ask_name": True}
LATE = {"answered": "4827193"}  # a YA/TIDAK outside the question: the ticket it answers
UNASKED = {"unasked": True, "questions": {}}  # the citizen sent STOP: questions would go unread
ANSWERED = "<answer>"  # the service asked "did it solve it?" about ticket 4827193
EXPIRE = "<expire>"  # the expiry job ran


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
    "near miss then no keeps the text and lists the units": [
        ("dinks #antri lama", (), "awaiting_unit", ["confirm_unit"]),
        ("tidak", (), "awaiting_unit", ["choose_unit"]),
        ("2", (), "idle", ["FileComplaint"]),
    ],
    "near miss without text then no": [
        ("dinks #", (), "awaiting_unit", ["confirm_unit"]),
        ("tidak", (), "idle", ["help"]),
    ],
    "near miss then a proper complaint": [
        ("dishb #jalan", (), "awaiting_unit", ["confirm_unit"]),
        ("PDAM #air keruh", (), "idle", ["FileComplaint"]),
    ],
    "near miss then the right code alone keeps the text": [
        ("dishb #jalan berlubang", (), "awaiting_unit", ["confirm_unit"]),
        ("PDAM", (), "idle", ["FileComplaint"]),
    ],
    "uncoded: a unit code alone picks the unit for the text": [
        ("sampah menumpuk di pasar", (), "awaiting_unit", ["suggest_unit"], DLH),
        ("dlh", (), "awaiting_detail", ["ask_detail"]),
        ("Jl. Melati", (), "idle", ["FileComplaint"]),
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
    "unknown code alone": [("XYZABC #", (), "idle", ["unknown_code"])],
    "unknown code with text: the routing's guess, YA, filed": [
        ("XYZABC #sampah menumpuk", (), "awaiting_unit", ["unknown_code_unit"], DLH),
        ("YA", (), "awaiting_detail", ["ask_detail"]),
        ("Jl. Melati", (), "idle", ["FileComplaint"]),
    ],
    "unknown code with text and no guess: a number picks the unit": [
        ("XYZABC #jalan rusak", (), "awaiting_unit", ["unknown_code_unit"]),
        ("ya", (), "awaiting_unit", ["choose_unit"]),  # nothing to confirm: the list again
        ("2", (), "idle", ["FileComplaint"]),
    ],
    "unknown code with text, then the right code alone": [
        ("XYZ: lampu mati", OPEN, "awaiting_unit", ["unknown_code_unit"]),
        ("dishub", OPEN, "idle", ["FileComplaint"]),
    ],
    "help and codes": [("BANTUAN", (), "idle", ["help"]), ("KODE", (), "idle", ["codes"])],
    "yes with nothing pending and an open ticket is added to it": [
        ("ya", OPEN, "idle", ["AppendToTicket"])
    ],
    "uncoded: suggested unit, YA, location, filed": [
        ("sampah menumpuk di pasar", (), "awaiting_unit", ["suggest_unit"], DLH),
        ("YA", (), "awaiting_detail", ["ask_detail"]),
        ("Jl. Melati, Desa Sukamaju", (), "idle", ["FileComplaint"]),
    ],
    "uncoded: another unit picked by number": [
        ("air keruh sejak kemarin", (), "awaiting_unit", ["suggest_unit"], DLH),
        ("3", (), "idle", ["FileComplaint"]),
    ],
    "uncoded: TIDAK lists the units, then a number": [
        ("sampah menumpuk", (), "awaiting_unit", ["suggest_unit"], DLH),
        ("tidak", (), "awaiting_unit", ["choose_unit"]),
        ("1", (), "idle", ["FileComplaint"]),
    ],
    "uncoded: a number out of range asks again": [
        ("sampah menumpuk", (), "awaiting_unit", ["suggest_unit"], DLH),
        ("9", (), "awaiting_unit", ["choose_unit"]),
        ("ya", (), "awaiting_unit", ["choose_unit"]),  # nothing left to confirm
    ],
    "uncoded without any clue gets the format": [("asdf qwerty", (), "idle", ["help"])],
    "uncoded with an open ticket is added to it, not routed": [
        ("sampah menumpuk", OPEN, "idle", ["AppendToTicket"], DLH)
    ],
    "coded complaint with a follow-up question": [
        ("DLH #sampah menumpuk", (), "awaiting_detail", ["ask_detail"]),
        ("desa sukamaju", (), "idle", ["FileComplaint"]),
    ],
    "a unit code during the question starts a new complaint": [
        ("DLH #sampah menumpuk", (), "awaiting_detail", ["ask_detail"]),
        ("DISHUB #lampu mati", (), "idle", ["FileComplaint"]),
    ],
    "keywords in the middle keep the question": [
        ("DLH #sampah menumpuk", (), "awaiting_detail", ["ask_detail"]),
        ("BANTUAN", (), "awaiting_detail", ["help"]),
        ("KODE", (), "awaiting_detail", ["codes"]),
        ("MULAI", (), "awaiting_detail", ["SetOptOut", "opted_in"]),
        ("jl melati", (), "idle", ["FileComplaint"]),
    ],
    "STOP in the middle forgets the question": [
        ("DLH #sampah menumpuk", (), "awaiting_detail", ["ask_detail"]),
        ("STOP", (), "idle", ["SetOptOut", "opted_out"]),
        ("jl melati", (), "idle", ["help"]),
    ],
    "BATAL in the middle": [
        ("DLH #sampah menumpuk", (), "awaiting_detail", ["ask_detail"]),
        ("batal", (), "idle", ["cancelled"]),
    ],
    "YA answers the detail question too": [
        ("DLH #sampah menumpuk", (), "awaiting_detail", ["ask_detail"]),
        ("ya", (), "idle", ["FileComplaint"]),
    ],
    "name asked when the desk wants it": [
        ("DINKES #antrian lama", (), "awaiting_name", ["ask_name"], NAME),
        ("ya", (), "awaiting_name", ["ask_name"], NAME),
        ("Budi Santoso", (), "idle", ["FileComplaint"], NAME),
    ],
    "question, then name, then filed": [
        ("DLH #sampah", (), "awaiting_detail", ["ask_detail"], NAME),
        ("jl melati", (), "awaiting_name", ["ask_name"], NAME),
        ("Siti", (), "idle", ["FileComplaint"], NAME),
    ],
    "adding to an open ticket asks nothing": [
        ("DLH #masih menumpuk", OPEN_DLH, "idle", ["FileComplaint"], NAME)
    ],
    "feedback YA": [
        (ANSWERED, (), "awaiting_feedback", []),
        ("ya", (), "idle", ["RecordFeedback"]),
    ],
    "feedback TIDAK": [
        (ANSWERED, (), "awaiting_feedback", []),
        ("Tidak!", (), "idle", ["RecordFeedback"]),
    ],
    "feedback comment reopens the ticket and keeps the question": [
        (ANSWERED, (), "awaiting_feedback", []),
        (
            "masih bau sampai sekarang",
            (),
            "awaiting_feedback",
            ["AppendToTicket", "ReopenTicket"],
        ),
        ("tdk", (), "idle", ["RecordFeedback"]),
    ],
    "a late TIDAK with words reopens the answered or recently closed ticket": [
        ("Tidak, masih keruh", (), "idle", ["AppendToTicket", "RecordFeedback"], LATE),
        ("Ya, terima kasih", (), "idle", ["RecordFeedback"], LATE),
        ("ya, tapi masih bau", OPEN, "idle", ["AppendToTicket"], LATE),  # a comment, as before
    ],
    "after STOP nothing is asked: the best guess files it": [
        ("sampah menumpuk", (), "idle", ["FileComplaint"], {**DLH, **UNASKED}),
        ("dishb #jalan rusak", (), "idle", ["FileComplaint"], UNASKED),
    ],
    "feedback interrupted by a new complaint": [
        (ANSWERED, (), "awaiting_feedback", []),
        ("PDAM #air keruh", (), "idle", ["FileComplaint"]),
    ],
    "feedback: a number asks again, STATUS keeps it": [
        (ANSWERED, (), "awaiting_feedback", []),
        ("3", (), "awaiting_feedback", ["ask_feedback"]),
        ("STATUS", (), "awaiting_feedback", ["ShowStatus"]),
        ("ya", (), "idle", ["RecordFeedback"]),
    ],
    "an expired question is closed politely": [
        ("DLH #sampah", (), "awaiting_detail", ["ask_detail"]),
        (EXPIRE, (), "idle", ["expired"]),
        ("jl melati", (), "idle", ["help"]),
    ],
    "an expired unit question": [
        ("dishb #jalan", (), "awaiting_unit", ["confirm_unit"]),
        (EXPIRE, (), "idle", ["expired"]),
        ("ya", (), "idle", ["help"]),
    ],
    "an expired feedback question ends silently": [
        (ANSWERED, (), "awaiting_feedback", []),
        (EXPIRE, (), "idle", []),
    ],
    "two tickets interleaved": [
        ("DISHUB #lampu mati", (), "idle", ["FileComplaint"]),
        ("DLH #sampah menumpuk", OPEN, "awaiting_detail", ["ask_detail"]),
        ("STATUS", OPEN, "awaiting_detail", ["ShowStatus"]),
        ("desa sukamaju", OPEN, "idle", ["FileComplaint"]),
        ("masih mati juga", BOTH, "idle", ["AppendToTicket"]),
        ("DISHUB #di simpang tiga juga", BOTH, "idle", ["FileComplaint"]),
    ],
    "RAHASIA on the open ticket": [("RAHASIA", OPEN, "idle", ["MarkConfidential", "confidential"])],
    "RAHASIA before the complaint": [
        ("r a h a s i a", (), "idle", ["confidential"]),
        ("PDAM #air keruh", (), "idle", ["FileComplaint"]),
    ],
    "RAHASIA in the middle keeps the question": [
        ("DLH #sampah", (), "awaiting_detail", ["ask_detail"]),
        ("Rahasia!", (), "awaiting_detail", ["confidential"]),
        ("jl melati", (), "idle", ["FileComplaint"]),
    ],
    "RAHASIA after an answer marks that ticket": [
        (ANSWERED, (), "awaiting_feedback", []),
        ("rahasia", (), "awaiting_feedback", ["MarkConfidential", "confidential"]),
    ],
}


def _turn(state: State, data: dict, text: str, open_tickets: tuple, extra: dict) -> flows.Step:
    if text == ANSWERED:
        return flows.Step.to(State.AWAITING_FEEDBACK, ticket="4827193")
    normalised = normalize_text(text)
    snap = Snapshot(state, normalised, data, open_tickets, **{**DESK, **extra})
    if text == EXPIRE:
        return flows.expire(snap)
    return flows.step(snap, parse_message(normalised, UNITS), NOW)


@pytest.mark.parametrize("name", list(TRANSCRIPTS), ids=list(TRANSCRIPTS))
def test_transcript(name):
    state, data = State.IDLE, {}
    for turn, (text, open_tickets, want_state, want_actions, *extra) in enumerate(
        TRANSCRIPTS[name]
    ):
        step = _turn(state, dict(data), text, open_tickets, extra[0] if extra else {})
        assert (step.state.value, _names(step)) == (want_state, want_actions), (
            f"turn {turn}: {text!r}"
        )
        state, data = step.state, step.data


def test_there_are_enough_transcripts():
    assert len(TRANSCRIPTS) >= 30


def _run(*turns: tuple[str, dict]) -> flows.Step:
    state, data, step = State.IDLE, {}, None
    for text, extra in turns:
        step = _turn(state, dict(data), text, (), extra)
        state, data = step.state, step.data
    assert step is not None
    return step


def test_the_complaint_carries_its_details_name_and_secrecy():
    step = _run(
        ("rahasia", {}),
        ("DLH #sampah menumpuk", NAME),
        ("Jl. Melati", NAME),
        ("Siti", NAME),
    )
    assert step.actions == (
        flows.FileComplaint("DLH", "sampah menumpuk", ("Jl. Melati",), "Siti", True),
    )


def test_suggestion_lists_the_other_units_and_numbers_pick_them():
    asked = _run(("sampah menumpuk", DLH))
    assert asked.actions == (
        Reply("suggest_unit", {"code": "DLH", "choices": ["DISHUB", "DINKES", "PDAM"]}),
    )
    picked = _run(("sampah menumpuk", DLH), ("2", {}))
    assert picked.actions == (flows.FileComplaint("DINKES", "sampah menumpuk"),)


def test_feedback_answers_name_the_ticket():
    assert _run((ANSWERED, {}), ("ya", {})).actions == (flows.RecordFeedback("4827193", True),)
    assert _run((ANSWERED, {}), ("tidak", {})).actions == (flows.RecordFeedback("4827193", False),)


def test_a_late_tidak_with_words_goes_on_the_ticket_it_reopens():
    (step,) = [_run(("Tidak, air masih keruh", LATE))]
    assert step.actions == (
        flows.AppendToTicket("4827193", False),
        flows.RecordFeedback("4827193", False),
    )


def test_pending_complaint_text_is_carried_to_the_ticket():
    snap = Snapshot(State.IDLE, "dishb #lampu mati", {}, ())
    asked = flows.step(snap, parse_message(snap.text, UNITS), NOW)
    done = flows.step(Snapshot(asked.state, "ya", asked.data, ()), parse_message("ya", UNITS), NOW)
    assert done.actions == (flows.FileComplaint("DISHUB", "lampu mati"),)


def test_an_unknown_code_keeps_the_complaint_for_the_unit_chosen():
    asked = _run(("XYZ #sampah menumpuk di pasar", DLH))
    assert asked.actions == (
        Reply(
            "unknown_code_unit",
            {"typed": "XYZ", "code": "DLH", "choices": ["DISHUB", "DINKES", "PDAM"]},
        ),
    )
    picked = _run(("XYZ #sampah menumpuk di pasar", DLH), ("3", {}))
    assert picked.actions == (flows.FileComplaint("PDAM", "sampah menumpuk di pasar"),)


def test_a_denied_near_miss_keeps_the_complaint():
    step = _run(("dishb #lampu mati", {}), ("tidak", {}), ("2", {}))
    assert step.actions == (
        flows.FileComplaint("DINKES", "lampu mati"),
    )  # DESK's order less DISHUB

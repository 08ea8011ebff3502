"""The complaint conversation as a state table of pure steps (DESIGN §5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.flows.engine import (
    Action,
    AppendToTicket,
    FileComplaint,
    Reply,
    SetOptOut,
    ShowStatus,
    Snapshot,
    State,
    Step,
)
from bot.parsers import Keyword, Kind, Parsed

Handler = Callable[[Snapshot, Parsed], Step]


def _free_text(snap: Snapshot, text: str) -> Step:
    """Uncoded text: add it to the open ticket, or explain the format."""
    if snap.open_tickets and (text or snap.has_media):
        return Step.idle(AppendToTicket(snap.open_tickets[0].number))
    return Step.idle(Reply("help"))


def _idle(snap: Snapshot, parsed: Parsed) -> Step:
    match parsed.kind:
        case Kind.COMPLAINT:
            return Step.idle(FileComplaint(parsed.code or "", parsed.text))
        case Kind.CODE_ONLY:
            return Step.to(
                State.AWAITING_TEXT, Reply("ask_text", {"code": parsed.code}), unit=parsed.code
            )
        case Kind.NEAR_MISS:
            reply = Reply("confirm_unit", {"code": parsed.suggestion})
            return Step.to(State.AWAITING_UNIT, reply, unit=parsed.suggestion, text=parsed.text)
        case Kind.UNKNOWN_CODE:
            return Step.idle(Reply("unknown_code", {"typed": parsed.code}))
        case Kind.EMPTY:
            return _free_text(snap, "")
        case _:
            return _free_text(snap, snap.text)


def _awaiting_unit(snap: Snapshot, parsed: Parsed) -> Step:
    unit = str(snap.data.get("unit", ""))
    if parsed.keyword is Keyword.YES and unit:
        text = str(snap.data.get("text", ""))
        if text:
            return Step.idle(FileComplaint(unit, text))
        return Step.to(State.AWAITING_TEXT, Reply("ask_text", {"code": unit}), unit=unit)
    if parsed.keyword is Keyword.NO:
        return Step.idle(Reply("help"))
    return _idle(snap, parsed)  # anything else starts afresh


def _awaiting_text(snap: Snapshot, parsed: Parsed) -> Step:
    unit = str(snap.data.get("unit", ""))
    if parsed.kind in (Kind.NO_CODE, Kind.KEYWORD) and snap.text and unit:
        return Step.idle(FileComplaint(unit, snap.text))
    if parsed.kind is Kind.EMPTY:
        return Step.to(State.AWAITING_TEXT, Reply("ask_text", {"code": unit}), unit=unit)
    return _idle(snap, parsed)


STATES: dict[State, Handler] = {
    State.IDLE: _idle,
    State.AWAITING_UNIT: _awaiting_unit,
    State.AWAITING_TEXT: _awaiting_text,
}


def _cancel(snap: Snapshot, _parsed: Parsed) -> Step:
    return Step.idle(Reply("cancelled" if snap.state is not State.IDLE else "nothing_to_cancel"))


def _keep(snap: Snapshot, *actions: Action) -> Step:
    """Answer a global keyword without losing the pending question."""
    return Step(snap.state, snap.data, tuple(actions))


FALLBACKS: dict[Keyword, Handler] = {
    Keyword.HELP: lambda s, _p: _keep(s, Reply("help")),
    Keyword.CODES: lambda s, _p: _keep(s, Reply("codes")),
    Keyword.STATUS: lambda s, p: _keep(s, ShowStatus(p.arg)),
    Keyword.CANCEL: _cancel,
    Keyword.STOP: lambda _s, _p: Step.idle(SetOptOut(True), Reply("opted_out")),
    Keyword.START: lambda s, _p: _keep(s, SetOptOut(False), Reply("opted_in")),
}


def step(snap: Snapshot, parsed: Parsed, now: datetime) -> Step:  # noqa: ARG001 (now: expiry, later flows)
    """The next state and actions for one parsed message. Global keywords first."""
    if parsed.kind is Kind.KEYWORD and parsed.keyword in FALLBACKS:
        return FALLBACKS[parsed.keyword](snap, parsed)
    return STATES[snap.state](snap, parsed)

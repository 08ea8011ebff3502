"""Global keywords first, then the state table; and what an expired question turns into."""

from __future__ import annotations

import re
from datetime import datetime

from bot.flows.complaint import STATES, Handler
from bot.flows.engine import (
    Action,
    MarkConfidential,
    Reply,
    SetLanguage,
    SetOptOut,
    ShowStatus,
    Snapshot,
    State,
    Step,
)
from bot.parsers import Keyword, Kind, Parsed

_NOT_LETTERS = re.compile(r"[\W_]+")


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
    Keyword.LANGUAGE: lambda s, p: _keep(s, SetLanguage(p.arg), Reply("language_set")),
}


def asks_secrecy(snap: Snapshot) -> bool:
    """The whole message is a confidentiality keyword (RAHASIA, r a h a s i a, Rahasia!)."""
    flat = _NOT_LETTERS.sub("", snap.text).upper()
    return bool(flat) and flat in {w.upper() for w in snap.secrecy_words}


def _secrecy(snap: Snapshot) -> Step:
    """RAHASIA: hide the identity on the ticket at hand, or on the complaint not yet filed."""
    number = str(snap.data.get("ticket", "")) if snap.state is State.AWAITING_FEEDBACK else ""
    if not number and snap.state is State.IDLE and snap.open_tickets:
        number = snap.open_tickets[0].number
    if number:
        return _keep(snap, MarkConfidential(number), Reply("confidential", {"ticket": number}))
    # nothing filed yet: the flag travels with the complaint being put together (or the next one)
    data = {**snap.data, "confidential": True}
    return Step(snap.state, data, (Reply("confidential", {"ticket": ""}),))


def step(snap: Snapshot, parsed: Parsed, now: datetime) -> Step:  # noqa: ARG001 (now: later flows)
    """The next state and actions for one parsed message. Global keywords first."""
    if parsed.kind is Kind.KEYWORD and parsed.keyword in FALLBACKS:
        return FALLBACKS[parsed.keyword](snap, parsed)
    if asks_secrecy(snap):
        return _secrecy(snap)
    return STATES[snap.state](snap, parsed)


def expire(snap: Snapshot) -> Step:
    """A question left unanswered too long: back to idle, with a polite closing where useful."""
    if snap.state in (State.IDLE, State.AWAITING_FEEDBACK):
        return Step.idle()  # no question worth closing aloud; an unanswered YA/TIDAK is no news
    return Step.idle(Reply("expired"))

"""The complaint conversation as a state table of pure steps (DESIGN §5).

A complaint being put together lives in the step data: `unit`, `text`, `details` (answers to the
unit's follow-up questions), `confidential`, and in `awaiting_unit` the numbered `choices`.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.flows.engine import (
    AppendToTicket,
    FileComplaint,
    RecordFeedback,
    ReopenTicket,
    Reply,
    Snapshot,
    State,
    Step,
)
from bot.parsers import Keyword, Kind, Parsed, leading_answer

Handler = Callable[[Snapshot, Parsed], Step]
NEW_COMPLAINT = (Kind.COMPLAINT, Kind.CODE_ONLY)  # a unit code in a waiting state starts afresh
NAME_CHARS = 80


def _secret(snap: Snapshot) -> bool:
    return bool(snap.data.get("confidential"))


def proceed(
    snap: Snapshot, unit: str, text: str, details: tuple[str, ...] = (), name: str = ""
) -> Step:
    """The next question for a complaint whose unit is known, or file it when none is left."""
    secret = _secret(snap)
    pending = {"unit": unit, "text": text, "details": list(details), "confidential": secret}
    if not text:
        return Step.to(State.AWAITING_TEXT, Reply("ask_text", {"code": unit}), **pending)
    # an ordinary complaint is not added to an ethics ticket (bot/service.py), so it is asked for
    appending = any(t.unit_code == unit and not t.ethics for t in snap.open_tickets)
    questions = () if appending else snap.questions.get(unit, ())
    if len(details) < len(questions):
        ask = Reply("ask_detail", {"code": unit, "question": questions[len(details)]})
        return Step.to(State.AWAITING_DETAIL, ask, **pending)
    if snap.ask_name and not name and not appending:
        return Step.to(State.AWAITING_NAME, Reply("ask_name"), **pending)
    return Step.idle(FileComplaint(unit, text, details, name, secret))


def _pending(snap: Snapshot) -> tuple[str, str, tuple[str, ...]]:
    data = snap.data
    return str(data.get("unit", "")), str(data.get("text", "")), tuple(data.get("details", ()))


def _free_text(snap: Snapshot, text: str, uncoded: bool) -> Step:
    """Uncoded text: add it to the open ticket, suggest a unit, or explain the format."""
    if snap.open_tickets and (text or snap.has_media):
        return Step.idle(AppendToTicket(snap.open_tickets[0].number))
    if uncoded and text and snap.suggested:
        if snap.unasked:  # nobody would read the question: the officer can still transfer it
            return proceed(snap, snap.suggested, text)
        choices = [code for code in snap.units if code != snap.suggested]
        ask = Reply("suggest_unit", {"code": snap.suggested, "choices": choices})
        return Step.to(
            State.AWAITING_UNIT,
            ask,
            unit=snap.suggested,
            text=text,
            choices=choices,
            confidential=_secret(snap),
        )
    return Step.idle(Reply("help"))


def _unknown_code(snap: Snapshot, parsed: Parsed) -> Step:
    """`XYZ #jalan rusak`: the code names no unit, but the complaint is kept. Ask which unit it is
    for as for uncoded text (the routing's guess first, else the numbered list), then file it."""
    if snap.unasked:  # after STOP nobody would read the question: filed as uncoded text would be
        if snap.suggested:
            return proceed(snap, snap.suggested, parsed.text)
        return _free_text(snap, parsed.text, uncoded=True)
    choices = [code for code in snap.units if code != snap.suggested]
    ask = Reply(
        "unknown_code_unit", {"typed": parsed.code, "code": snap.suggested, "choices": choices}
    )
    return Step.to(
        State.AWAITING_UNIT,
        ask,
        unit=snap.suggested,
        text=parsed.text,
        choices=choices,
        confidential=_secret(snap),
    )


def idle(snap: Snapshot, parsed: Parsed) -> Step:
    match parsed.kind:
        case Kind.COMPLAINT:
            return proceed(snap, parsed.code or "", parsed.text)
        case Kind.CODE_ONLY:
            return proceed(snap, parsed.code or "", "")
        case Kind.NEAR_MISS:
            if snap.unasked:
                return proceed(snap, parsed.suggestion or "", parsed.text)
            reply = Reply("confirm_unit", {"code": parsed.suggestion})
            secret = _secret(snap)
            return Step.to(
                State.AWAITING_UNIT,
                reply,
                unit=parsed.suggestion,
                text=parsed.text,
                confidential=secret,
            )
        case Kind.UNKNOWN_CODE if parsed.text:
            return _unknown_code(snap, parsed)
        case Kind.UNKNOWN_CODE:
            return Step.idle(Reply("unknown_code", {"typed": parsed.code}))
        case Kind.EMPTY:
            return _free_text(snap, "", uncoded=False)
        case Kind.NO_CODE if snap.answered and (lead := leading_answer(snap.text)):
            return _verdict(snap.answered, lead)  # "Tidak, masih keruh" a week later
        case Kind.NO_CODE:
            return _free_text(snap, snap.text, uncoded=True)
        case Kind.KEYWORD if parsed.keyword in (Keyword.YES, Keyword.NO) and snap.answered:
            # a late reply to "Balas YA atau TIDAK" after the question lapsed (or after the ticket
            # was closed): still about that answer, not more information for another open ticket
            return Step.idle(RecordFeedback(snap.answered, parsed.keyword is Keyword.YES))
        case _:
            return _free_text(snap, snap.text, uncoded=False)


def _awaiting_unit(snap: Snapshot, parsed: Parsed) -> Step:
    unit, text, _ = _pending(snap)
    choices = [str(c) for c in snap.data.get("choices", ())]
    if parsed.keyword is Keyword.YES and unit:
        return proceed(snap, unit, text)
    if parsed.keyword is Keyword.NO and text and not choices:
        # "DISHUBB #lampu mati", "Maksud Anda DISHUB?", "tidak": keep the complaint, list the units
        choices = [code for code in snap.units if code != unit]
    if parsed.keyword is Keyword.NUMBER and choices:
        pick = int(parsed.arg)
        if 1 <= pick <= len(choices):
            return proceed(snap, choices[pick - 1], text)
    if parsed.keyword in (Keyword.NO, Keyword.NUMBER, Keyword.YES) and choices:
        data = {**snap.data, "unit": "", "choices": choices}
        return Step(State.AWAITING_UNIT, data, (Reply("choose_unit", {"choices": choices}),))
    if parsed.keyword is Keyword.NO:
        return Step.idle(Reply("help"))
    if parsed.kind is Kind.CODE_ONLY and text:
        # "kirim ulang dengan kode yang benar": the right code alone keeps the complaint already typed
        return proceed(snap, parsed.code or "", text)
    return idle(snap, parsed)  # anything else starts afresh


def _awaiting_text(snap: Snapshot, parsed: Parsed) -> Step:
    unit, _, _ = _pending(snap)
    if parsed.kind in (Kind.NO_CODE, Kind.KEYWORD) and snap.text and unit:
        return proceed(snap, unit, snap.text)
    if parsed.kind is Kind.EMPTY:
        return Step.to(State.AWAITING_TEXT, Reply("ask_text", {"code": unit}), **snap.data)
    return idle(snap, parsed)


def _awaiting_detail(snap: Snapshot, parsed: Parsed) -> Step:
    unit, text, details = _pending(snap)
    if parsed.kind in NEW_COMPLAINT:
        return idle(snap, parsed)
    answer = snap.text or ("(media)" if snap.has_media else "")
    if not answer:
        return proceed(snap, unit, text, details)  # asks the same question again
    return proceed(snap, unit, text, (*details, answer))


def _awaiting_name(snap: Snapshot, parsed: Parsed) -> Step:
    unit, text, details = _pending(snap)
    if parsed.kind in NEW_COMPLAINT:
        return idle(snap, parsed)
    if parsed.kind is Kind.KEYWORD or not snap.text:
        return Step(State.AWAITING_NAME, snap.data, (Reply("ask_name"),))
    return proceed(snap, unit, text, details, snap.text[:NAME_CHARS])


def _verdict(number: str, lead: Keyword) -> Step:
    """A reply that opens with YA ("Ya, terima kasih") or TIDAK ("Tidak, air masih keruh")."""
    if lead is Keyword.YES:
        return Step.idle(RecordFeedback(number, True))
    # the words go on the ticket it reopens
    return Step.idle(AppendToTicket(number, False), RecordFeedback(number, False))


def _awaiting_feedback(snap: Snapshot, parsed: Parsed) -> Step:
    number = str(snap.data.get("ticket", ""))
    if parsed.keyword in (Keyword.YES, Keyword.NO):
        return Step.idle(RecordFeedback(number, parsed.keyword is Keyword.YES))
    if parsed.kind in (*NEW_COMPLAINT, Kind.NEAR_MISS, Kind.UNKNOWN_CODE):
        return idle(snap, parsed)
    lead = leading_answer(snap.text) if parsed.kind is Kind.NO_CODE else None
    if lead is not None:
        return _verdict(number, lead)
    if parsed.kind is Kind.NO_CODE or snap.has_media:
        # a comment instead of YA/TIDAK: it goes on the ticket, which goes back to the officers
        # (left answered, nobody would read it and auto-close would skip it for ever); the
        # question stays open, so a TIDAK still escalates; ReopenTicket says so (feedback_noted)
        actions = (AppendToTicket(number, False), ReopenTicket(number))
        return Step(State.AWAITING_FEEDBACK, snap.data, actions)
    return Step(State.AWAITING_FEEDBACK, snap.data, (Reply("ask_feedback", {"ticket": number}),))


STATES: dict[State, Handler] = {
    State.IDLE: idle,
    State.AWAITING_UNIT: _awaiting_unit,
    State.AWAITING_TEXT: _awaiting_text,
    State.AWAITING_DETAIL: _awaiting_detail,
    State.AWAITING_NAME: _awaiting_name,
    State.AWAITING_FEEDBACK: _awaiting_feedback,
}

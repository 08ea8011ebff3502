"""Conversation work around the pure flows: what a Snapshot needs from the desk, the feedback
question after an answer, the citizen's YA/TIDAK to it, and the expiry job."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from bot import committee, flows, parsers, sla
from bot.answers.history import unit_profiles
from bot.answers.routing import UnitProfile, suggest_units, warm
from bot.config import Config
from bot.messages import TicketStatus
from bot.outbound import say
from store import repo
from store.models import Contact, Conversation, Ticket, Unit

if TYPE_CHECKING:
    from bot.service import Desk

SUGGEST_LIMIT = 20


def routing_profiles(session: Session, units: Iterable[str]) -> list[UnitProfile]:
    """What the router knows of the active units: descriptions, library, routed history."""
    active = set(units)
    return [p for p in unit_profiles(session) if p.code in active]


def warm_routing(session: Session) -> None:
    """Build the router a web worker will use, before its first uncoded message needs it (with
    10,000 routed tickets that takes seconds, once per process)."""
    warm(routing_profiles(session, (u.code for u in repo.active_units(session))))


def snapshot_settings(
    session: Session,
    *,
    desk: Desk,
    contact: Contact,
    units: Mapping[str, Unit],
    parsed: parsers.Parsed,
    text: str,
    now: datetime,
) -> dict[str, Any]:
    """The desk's part of a Snapshot: unit order and best guess, questions, identity, secrecy."""
    suggested, order = "", list(units)
    # uncoded text, or the complaint after a code that names no unit (`XYZ #jalan rusak`)
    routed = text if parsed.kind is parsers.Kind.NO_CODE else ""
    if parsed.kind is parsers.Kind.UNKNOWN_CODE:
        routed = parsed.text
    if routed:
        ranked = [
            c for c, _ in suggest_units(routed, routing_profiles(session, units), SUGGEST_LIMIT)
        ]
        suggested = ranked[0] if ranked else ""
        order = ranked + [c for c in units if c not in ranked]
    cfg = desk.config.conversation
    return {
        "answered": feedback_ticket(
            session,
            contact,
            verdict(parsed, text),
            now=now,
            desk=desk,
            bare=parsed.keyword in _FEEDBACK or parsers.set_off_answer(text) is not None,
        ),
        "suggested": suggested,
        "units": tuple(order),
        "questions": {c: tuple(u.questions) for c, u in units.items() if u.questions},
        "ask_name": cfg.ask_name and not contact.name,
        "secrecy_words": cfg.confidential_keywords,
    }


_FEEDBACK = (parsers.Keyword.YES, parsers.Keyword.NO)


def verdict(parsed: parsers.Parsed, text: str) -> parsers.Keyword | None:
    """YES or NO when the message is a YA/TIDAK: bare, or opening a reply ("Tidak, masih keruh")."""
    if parsed.keyword in _FEEDBACK:
        return parsed.keyword
    return parsers.leading_answer(text) if parsed.kind is parsers.Kind.NO_CODE else None


def feedback_ticket(
    session: Session,
    contact: Contact,
    said: parsers.Keyword | None,
    *,
    now: datetime,
    desk: Desk,
    bare: bool = True,
) -> str:
    """The ticket a YA/TIDAK outside the feedback question answers, or "".

    The latest answered one, still waiting for its verdict. A TIDAK may also reopen the latest ticket
    closed after its answer (auto-close, YA, an officer) within `[conversation] reopen_days`: "the
    problem persists" (DESIGN §4). Only a bare TIDAK or one set off ("Tidak, masih keruh"): days
    after the close, a sentence opening with a negation is more often a new complaint ("Tidak ada
    air sejak kemarin") than a verdict (`bare`).
    A ticket closed without an answer (a duplicate, spam) is not reopened by it, and a YA does not
    close a closed ticket again."""
    if said is None:
        return ""
    answered = (
        select(Ticket.number)
        .where(Ticket.contact_id == contact.id, Ticket.status == TicketStatus.ANSWERED)
        .order_by(col(Ticket.resolved_at).desc(), col(Ticket.id).desc())
    )
    found = session.exec(answered).first()
    days = desk.config.conversation.reopen_days
    if found or said is not parsers.Keyword.NO or not bare or days <= 0:
        return found or ""
    closed = (
        select(Ticket.number)
        .where(
            Ticket.contact_id == contact.id,
            Ticket.status == TicketStatus.CLOSED,
            col(Ticket.first_answer_at).is_not(None),
            col(Ticket.closed_at) >= now - timedelta(days=days),
        )
        .order_by(col(Ticket.closed_at).desc(), col(Ticket.id).desc())
    )
    return session.exec(closed).first() or ""


def wait_until(now: datetime, desk: Desk) -> datetime:
    return now + timedelta(hours=desk.config.conversation.wait_hours)


def ask_feedback(session: Session, ticket: Ticket, *, now: datetime, desk: Desk) -> bool:
    """After an answer: wait for the citizen to say whether it solved the problem
    (awaiting_feedback). True when the answer should end with the question."""
    contact = session.get(Contact, ticket.contact_id)
    if contact is None or contact.opted_out:
        return False
    conv = repo.get_conversation(session, channel=ticket.channel, address=ticket.address, now=now)
    pending = conv.expires_at is not None and conv.expires_at > now
    if pending and conv.state != flows.State.AWAITING_FEEDBACK.value:
        return (
            False  # the citizen is putting another complaint together: YA/TIDAK would answer that
        )
    conv.state, conv.data = flows.State.AWAITING_FEEDBACK.value, {"ticket": ticket.number}
    conv.updated_at, conv.expires_at = now, wait_until(now, desk)
    return True


def record_feedback(
    session: Session, ticket: Ticket, *, satisfied: bool, now: datetime, desk: Desk
) -> str:
    """YA closes an answered ticket; TIDAK reopens it and escalates. Returns the reply key.

    YA on a ticket that is open again (an officer reopened it after the answer) closes nothing: the
    citizen is told it is still being handled (`feedback_still_open`)."""
    if satisfied and ticket.status is TicketStatus.OPEN:
        return "feedback_still_open"
    before = ticket.status.value
    ticket.satisfied, ticket.updated_at = satisfied, now
    if satisfied:
        if ticket.status is TicketStatus.ANSWERED:
            ticket.status, ticket.closed_at = TicketStatus.CLOSED, now
            committee.resolve_breach(
                session,
                ticket,
                now=now,
                actor="citizen",
                why="citizen satisfied",
                reasons=committee.SATISFIED_ENDS,
            )
        _audit(session, ticket, "ticket.close", before, now, "feedback")
        return "feedback_thanks"
    reopen(session, ticket, now=now, desk=desk, why="feedback", before=before)
    committee.escalate(session, ticket, reason="citizen_no", now=now, actor="citizen", desk=desk)
    return "reopened"


def reopen(
    session: Session, ticket: Ticket, *, now: datetime, desk: Desk, why: str, before: str = ""
) -> None:
    """The citizen reopens an answered or closed ticket (TIDAK, or a comment after the answer): it
    is open again with a new deadline from now (`restart_clock`); the audit line says who, when
    and why. An open ticket stays as it is (the line still records the citizen's word)."""
    before = before or ticket.status.value
    if ticket.status is not TicketStatus.OPEN:
        ticket.status, ticket.reopened_count = TicketStatus.OPEN, ticket.reopened_count + 1
        ticket.resolved_at = ticket.closed_at = None
        ticket.updated_at = now
        restart_clock(session, ticket, now=now, config=desk.config)
    _audit(session, ticket, "ticket.reopen", before, now, why)


def restart_clock(session: Session, ticket: Ticket, *, now: datetime, config: Config) -> None:
    """A reopened ticket that had been answered needs a new answer within its target from now.

    The first deadline is kept in `first_due_at` (once) for the recap, which measures the first
    answer; `due_at` becomes the new deadline the SLA clock, the digest and the admin work from.
    A ticket closed without ever being answered keeps its deadline: its clock still runs from receipt."""
    if ticket.first_answer_at is None:
        return
    unit = session.get(Unit, ticket.unit_id)
    ticket.first_due_at = ticket.first_due_at or ticket.due_at
    ticket.due_at = sla.due_at(
        config,
        received=now,
        unit_hours=unit.sla_hours if unit else None,
        priority=ticket.priority,
        table=unit.priority_hours if unit else None,
    )


def _audit(
    session: Session, ticket: Ticket, action: str, before: str, now: datetime, why: str
) -> None:
    repo.audit_ticket(
        session,
        ticket,
        action,
        actor="citizen",
        now=now,
        before={"status": before},
        after={"status": ticket.status.value, "satisfied": ticket.satisfied},
        reason=why,
    )


def expire_conversations(session: Session, *, now: datetime, desk: Desk) -> int:
    """Job: close the conversations whose question went unanswered; returns how many closed."""
    stmt = select(Conversation).where(
        col(Conversation.expires_at).is_not(None),
        col(Conversation.expires_at) <= now,
        Conversation.state != flows.State.IDLE.value,
    )
    closed = 0
    for conv in session.exec(stmt.order_by(col(Conversation.id))).all():
        snap = flows.Snapshot(flows.State(conv.state), "", dict(conv.data))
        result = flows.expire(snap)
        contact = repo.contact_by_address(session, channel=conv.channel, address=conv.address)
        for action in result.actions:
            if isinstance(action, flows.Reply) and contact is not None and not contact.opted_out:
                say(
                    session,
                    key=action.key,
                    channel=conv.channel,
                    address=conv.address,
                    contact=contact,
                    now=now,
                    desk=desk,
                    **action.ctx,
                )
        conv.state, conv.data = result.state.value, dict(result.data)
        conv.updated_at, conv.expires_at = now, None
        closed += 1
    return closed

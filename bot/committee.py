"""Putting a ticket before the committee (Ketua, Anggota, Pengarah). DESIGN §7.

`escalate` is the one entry point every cause uses: ethics flag, SLA breach, the citizen's TIDAK,
an officer's decision. A ticket has at most one open escalation. Escalating it again for the same
reason, or for an SLA breach, returns the open one; any other new cause replaces it (the old one is
closed as superseded) so the committee gets a fresh alert saying why. Each member of the escalation's
level gets the thread summary on their phone (`alert_context`: the first and the latest citizen
message, trimmed to fit one INFO part); nobody acknowledging it within `[committee] ladder_hours`
sends it up a level (`escalation_ladder`, a scheduler job).

Only an SLA breach ends by itself: when the ticket gets an answer or is closed, or is no longer open
and past due when the ladder looks at it (`resolve_breach`). Ethics, the citizen's TIDAK and an
officer's escalation are the committee's to close (JAWAB, ALIH).
"""

from __future__ import annotations

import logging
import textwrap
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.messages import Role, TicketStatus
from bot.outbound import say
from bot.replies import LANGUAGES, render
from store import repo
from store.db import session_scope
from store.models import Escalation, Message, StaffUser, Ticket, Unit

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from bot.service import Desk

log = logging.getLogger(__name__)

REASONS = ("ethics", "sla_breach", "citizen_no", "officer")
SELF_RESOLVING = ("sla_breach",)  # ends when the ticket is answered or closed
SATISFIED_ENDS = ("sla_breach", "citizen_no")  # the citizen's YA also ends their own TIDAK
LEVELS = ("anggota", "ketua", "pengarah")
ELLIPSIS = " ..."
MIN_TEXT = 40  # each text keeps this much even if an edited alert leaves less room


def open_escalation(session: Session, ticket_id: int) -> Escalation | None:
    """The ticket's escalation that is not closed yet, if any."""
    stmt = select(Escalation).where(
        Escalation.ticket_id == ticket_id,
        Escalation.closed_at == None,  # noqa: E711
    )
    return session.exec(stmt).first()


def was_escalated(session: Session, ticket_id: int) -> bool:
    """Whether the ticket was ever put before the committee (open or closed escalation)."""
    stmt = select(Escalation.id).where(Escalation.ticket_id == ticket_id).limit(1)
    return session.exec(stmt).first() is not None


def escalate(
    session: Session,
    ticket: Ticket,
    *,
    reason: str,
    now: datetime,
    actor: str = "bot",
    desk: Desk | None = None,
) -> Escalation:
    """Record that the committee must look at the ticket.

    With an escalation open, the same reason (or an SLA breach, which adds nothing the committee does
    not have) returns it; a new cause closes it as superseded and opens one at the same level, so the
    members are told again and the ladder starts over. With a desk the members of the level are told
    at once; without one, the next `escalation_ladder` run tells them."""
    if reason not in REASONS:
        raise ValueError(f"unknown escalation reason {reason!r}")
    assert ticket.id is not None
    existing = open_escalation(session, ticket.id)
    if existing is not None and (existing.reason == reason or reason == "sla_breach"):
        return existing
    level = LEVELS[0]
    if existing is not None:
        existing.closed_at, existing.note = now, _note(existing.note, f"superseded: {reason}")
        level = existing.level
    escalation = Escalation(
        ticket_id=ticket.id, reason=reason, level=level, created_at=now, level_since=now
    )
    session.add(escalation)
    session.flush()
    after: dict[str, object] = {"reason": reason, "level": escalation.level}
    if existing is not None:
        after["supersedes"] = existing.id
    repo.audit(
        session,
        actor=actor,
        action="ticket.escalate",
        entity="escalation",
        entity_id=escalation.id,
        ticket_id=ticket.id,
        now=now,
        after=after,
    )
    if desk is not None:
        notify(session, escalation, now=now, desk=desk)
    return escalation


def _note(before: str, add: str) -> str:
    return f"{before}; {add}" if before else add


def resolve_breach(
    session: Session,
    ticket: Ticket,
    *,
    now: datetime,
    actor: str,
    why: str,
    reasons: tuple[str, ...] = SELF_RESOLVING,
) -> Escalation | None:
    """Close the ticket's open SLA-breach escalation: it was answered or closed (why says which).

    Other reasons stay open: the committee owns ethics cases, the citizen's TIDAK and an officer's
    escalation, whatever the unit does next; only the citizen, saying YA to a later answer, ends
    their own TIDAK (`reasons`). Returns the escalation closed, if any."""
    assert ticket.id is not None
    escalation = open_escalation(session, ticket.id)
    if escalation is None or escalation.reason not in reasons:
        return None
    escalation.closed_at, escalation.note = now, _note(escalation.note, why)
    repo.audit(
        session,
        actor=actor,
        action="escalation.resolve",
        entity="escalation",
        entity_id=escalation.id,
        ticket_id=ticket.id,
        now=now,
        before={"level": escalation.level, "reason": escalation.reason},
        after={"closed": True},
        reason=why,
    )
    return escalation


def _overdue(ticket: Ticket | None, now: datetime) -> bool:
    return ticket is not None and ticket.status is TicketStatus.OPEN and ticket.due_at <= now


def members(session: Session, level: str) -> list[StaffUser]:
    """Active committee members of one level."""
    stmt = select(StaffUser).where(
        StaffUser.role == Role.COMMITTEE,
        StaffUser.committee_level == level,
        col(StaffUser.active).is_(True),
    )
    return list(session.exec(stmt.order_by(col(StaffUser.id))))


def staff_address(member: StaffUser, desk: Desk) -> tuple[str, str, str | None] | None:
    """(channel, address, phone) where a staff member gets messages, the phone only when the
    address is it (a Telegram chat id is not); None if they gave neither."""
    cfg = desk.config
    channel = member.preferred_channel or cfg.committee.default_channel or cfg.channels.enabled[0]
    address = member.channel_address or member.phone or ""
    phone = member.phone if address == member.phone else None
    return (channel, address, phone) if address else None


def link_member(session: Session, member: StaffUser, *, now: datetime, desk: Desk) -> bool:
    """Link a committee member's phone address to their contact now, if it is not yet; True if done.

    Done ahead (when the account is saved, and by the `link_staff` job) so that alerts are filed on
    the member's contact, in their language and held after their STOP: an alert itself never creates
    the contact (`repo.alert_contact`: the member's very first JAWAB may be creating it while waiting
    for the lock of the citizen whose message raises the alert). Officers are not linked: their
    notices go out without a contact (`bot.notices`). In a savepoint: if the member's own first
    message created the contact meanwhile, the caller's work (an account being saved) still
    commits, and the job links the address on its next run if that message came on another
    channel."""
    if member.role != Role.COMMITTEE or not member.active:
        return False
    where = staff_address(member, desk)
    if where is None:
        return False
    channel, address, phone = where
    if repo.linked_contact(session, channel=channel, address=address, phone=phone) is not None:
        return False
    try:
        with session.begin_nested():
            repo.resolve_contact(session, channel=channel, address=address, phone=phone, now=now)
    except sa.exc.IntegrityError as exc:
        log.warning("committee: member %s was not linked now (%s)", member.id, type(exc).__name__)
        return False
    return True


def link_staff(engine: Engine, *, now: datetime, desk: Desk) -> int:
    """Link every active committee member's address not linked yet (accounts made before this
    existed or by the demo, a changed default channel); returns how many were linked. One short
    transaction per member, so no member's row or lock waits on another's."""
    stmt = select(StaffUser.id).where(
        StaffUser.role == Role.COMMITTEE, col(StaffUser.active).is_(True)
    )
    with session_scope(engine) as session:
        ids = list(session.exec(stmt.order_by(col(StaffUser.id))))
    linked = 0
    for member_id in ids:
        with session_scope(engine) as session:
            member = session.get(StaffUser, member_id)
            linked += member is not None and link_member(session, member, now=now, desk=desk)
    return linked


def send_to_staff(
    session: Session, member: StaffUser, key: str, *, now: datetime, desk: Desk, **ctx: object
) -> bool:
    """Queue a template to a staff member's phone, on their contact if it is known, without taking
    their lock or creating it (`repo.alert_contact`)."""
    where = staff_address(member, desk)
    if where is None:
        return False
    channel, address, phone = where
    # not locked: a citizen's message alerting a member whose JAWAB waits for that citizen
    contact = repo.alert_contact(session, channel=channel, address=address, phone=phone)
    say(
        session,
        key=key,
        channel=channel,
        address=address,
        contact=contact,
        now=now,
        desk=desk,
        **ctx,
    )
    return True


def _thread(session: Session, ticket: Ticket) -> tuple[str, str, int]:
    """(the citizen's first message, their latest if it is another one, messages in the thread)."""
    said = select(Message.id, Message.body).where(
        Message.ticket_id == ticket.id, Message.author == "citizen"
    )
    first = session.exec(said.order_by(col(Message.id)).limit(1)).first()
    last = session.exec(said.order_by(col(Message.id).desc()).limit(1)).first()
    count = select(sa.func.count()).where(
        col(Message.ticket_id) == ticket.id, col(Message.is_note).is_(False)
    )
    latest = last[1] if last is not None and first is not None and last[0] != first[0] else ""
    return (first[1] if first else ""), latest, session.exec(count).one()


def _shorten(text: str, room: int) -> str:
    """The text on one line, cut at a word boundary to fit room (a single long word is cut)."""
    flat = " ".join(text.split())
    if len(flat) <= room:
        return flat
    cut = textwrap.shorten(flat, room, placeholder=ELLIPSIS)
    return cut if cut != ELLIPSIS.strip() else flat[: room - len(ELLIPSIS)] + ELLIPSIS


def _fitted(first: str, latest: str, room: int) -> tuple[str, str]:
    """Share room between the first complaint and the latest message; what one leaves, the other gets."""
    room = max(room, 2 * MIN_TEXT)
    latest_room = min(len(" ".join(latest.split())), room // 2)
    first = _shorten(first, room - latest_room)
    return first, _shorten(latest, room - len(first)) if latest else ""


def alert_context(
    session: Session,
    escalation: Escalation,
    ticket: Ticket,
    unit: Unit,
    *,
    now: datetime,
    desk: Desk,
) -> dict[str, object]:
    """The thread summary the committee's phones get (DESIGN §7), within `info_part_chars`.

    The alert is rendered first with one-letter texts, in every language (members read it in
    theirs), and the room left is shared by the first complaint and the latest citizen message."""
    first, latest, count = _thread(session, ticket)
    ctx: dict[str, object] = {
        "ticket": ticket.number,
        "unit_code": unit.code,
        "reason": escalation.reason,
        "level": escalation.level,
        "messages": count,
        "age_hours": max(int((now - ticket.received_at).total_seconds() // 3600), 0),
        "due": ticket.due_at,
        "overdue": ticket.status is TicketStatus.OPEN and ticket.due_at <= now,
    }
    cfg = desk.config
    marks = {"first": "x", "latest": "x" if latest else ""}  # one character each: the labels show
    frame = max(
        len(render(desk.env, "committee_alert", lang, now=now, tz=cfg.app.timezone, **ctx, **marks))
        for lang in LANGUAGES
    ) - len("".join(marks.values()))
    ctx["first"], ctx["latest"] = _fitted(first, latest, cfg.committee.info_part_chars - frame)
    return ctx


def notify(session: Session, escalation: Escalation, *, now: datetime, desk: Desk) -> int:
    """Send the thread summary to each member of the escalation's current level, once per level."""
    if not repo.once(session, f"escalation:{escalation.id}:notify:{escalation.level}", now):
        return 0
    ticket = session.get(Ticket, escalation.ticket_id)
    unit = session.get(Unit, ticket.unit_id) if ticket else None
    assert ticket is not None and unit is not None
    ctx = alert_context(session, escalation, ticket, unit, now=now, desk=desk)
    sent = 0
    for member in members(session, escalation.level):
        sent += send_to_staff(session, member, "committee_alert", now=now, desk=desk, **ctx)
    repo.audit(
        session,
        actor="bot",
        action="escalation.notify",
        entity="escalation",
        entity_id=escalation.id,
        ticket_id=ticket.id,
        now=now,
        after={"level": escalation.level, "members": sent},
    )
    return sent


def escalation_ladder(session: Session, *, now: datetime, desk: Desk) -> int:
    """Job: move unacknowledged escalations up a level after `ladder_hours`; returns how many moved.

    It also tells the members of any level not told yet (escalations made without a desk). An SLA
    breach whose ticket is no longer open and past due (answered, closed, given a later deadline) is
    closed instead of going up."""
    wait = timedelta(hours=desk.config.committee.ladder_hours)
    stmt = select(Escalation).where(
        col(Escalation.closed_at).is_(None), col(Escalation.acknowledged_at).is_(None)
    )
    moved = 0
    for escalation in session.exec(stmt.order_by(col(Escalation.id))).all():
        ticket = session.get(Ticket, escalation.ticket_id)
        if escalation.reason in SELF_RESOLVING and not _overdue(ticket, now):
            assert ticket is not None
            resolve_breach(session, ticket, now=now, actor="scheduler", why="no longer overdue")
            continue
        at_top = escalation.level == LEVELS[-1]
        if not at_top and escalation.level_since + wait <= now:
            before = escalation.level
            escalation.level = LEVELS[LEVELS.index(before) + 1] if before in LEVELS else LEVELS[1]
            escalation.level_since = now
            repo.audit(
                session,
                actor="scheduler",
                action="escalation.level_up",
                entity="escalation",
                entity_id=escalation.id,
                ticket_id=escalation.ticket_id,
                now=now,
                before={"level": before},
                after={"level": escalation.level},
            )
            moved += 1
        notify(session, escalation, now=now, desk=desk)
    return moved

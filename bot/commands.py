"""Committee commands from a staff phone: OK, JAWAB, ALIH, INFO (DESIGN §7). Every action audited.

Commands count only from the phone or channel address of an active staff member; a stranger gets a
clear refusal. A staff phone's message that is not a command is a citizen's message like any other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot import committee, service, tickets
from bot.messages import Direction, Role, TicketStatus
from bot.parsers import PhoneError, mask_phone, normalize_phone
from bot.parsers.staff import StaffCommand
from bot.replies import render
from bot.replies.sms import split_text
from store import repo
from store.models import Contact, Message, StaffUser, Ticket, Unit

if TYPE_CHECKING:
    from bot.service import _Turn

COMMITTEE_ROLES = (Role.COMMITTEE, Role.ADMIN)
INFO_HEADER = 20  # room kept in each INFO part for "INFO 1234567: "


def _same_phone(stored: str | None, phone: str | None) -> bool:
    if not stored or not phone:
        return False
    try:
        return normalize_phone(stored) == phone
    except PhoneError:
        return False


def staff_sender(
    session: Session, *, channel: str, address: str, phone: str | None
) -> StaffUser | None:
    """The active staff member writing from this phone or channel address, if any."""
    staff = session.exec(select(StaffUser).where(col(StaffUser.active).is_(True))).all()
    for member in staff:
        by_address = member.channel_address == address and member.preferred_channel in ("", channel)
        if _same_phone(member.phone, phone) or (member.channel_address and by_address):
            return member
    return None


def run(turn: _Turn, cmd: StaffCommand) -> bool:
    """Carry out a command; False when the message is not one after all (a citizen's text)."""
    member = staff_sender(
        turn.session, channel=turn.msg.channel, address=turn.msg.address, phone=turn.msg.phone
    )
    own = _own_ticket(turn, cmd, member)
    if own is not None:  # the sender writes as a citizen about their own ticket
        if cmd.verb == "info":
            service.show_status(turn, own.number)
            return True
        return False
    committee_member = member is not None and member.role in COMMITTEE_ROLES
    if not committee_member and cmd.verb in CITIZEN_VERBS and len(cmd.number) != repo.TICKET_DIGITS:
        return False  # "info 2024 di jalan mawar", "oke 0812...": a citizen's words, no ticket
    if member is None:
        if cmd.malformed:
            return False
        _refused(turn, cmd, "not a staff number")
        turn.reply("staff_unknown")
        return True
    if member.role not in COMMITTEE_ROLES:
        _refused(turn, cmd, f"{member.username} is not on the committee")
        turn.reply("staff_not_committee")
        return True
    if cmd.malformed:
        turn.reply("staff_usage")
        return True
    ticket = repo.ticket_by_number(turn.session, cmd.number)
    if ticket is None or not _may_act_on(member, ticket, turn):
        turn.reply("staff_no_ticket", number=cmd.number)
        return True
    if cmd.verb in CHANGES_TICKET:
        # the citizen's lock first, then the ticket as it is now: an officer closing it at this
        # moment has committed, and the answer is not queued over the close (PostgreSQL)
        repo.lock_contact(turn.session, ticket.contact_id)
        turn.session.refresh(ticket)
        if ticket.status is TicketStatus.CLOSED:
            # a closed ticket is reopened by the citizen (or an officer in the admin), not by a
            # late answer or transfer from a phone: the citizen would get an answer out of the blue
            turn.reply("staff_ticket_closed", number=ticket.number)
            return True
    HANDLERS[cmd.verb](turn, member, ticket, cmd)
    return True


def _own_ticket(turn: _Turn, cmd: StaffCommand, member: StaffUser | None) -> Ticket | None:
    """The ticket named by OK/INFO when it is the sender's own and they may not act on it as staff:
    a citizen (or a committee member complaining from their phone) replying "OK 4827193" to the
    feedback question or asking "INFO 4827193" about their complaint."""
    if cmd.verb not in CITIZEN_VERBS or cmd.malformed:
        return None
    ticket = repo.ticket_by_number(turn.session, cmd.number)
    if ticket is None or ticket.contact_id != turn.contact.id:
        return None
    if member is not None and member.role in COMMITTEE_ROLES and _may_act_on(member, ticket, turn):
        return None
    return ticket


def _may_act_on(member: StaffUser, ticket: Ticket, turn: _Turn) -> bool:
    """The committee acts on ethics tickets and escalated ones only, as in the admin; admins on all."""
    if member.role is Role.ADMIN:
        return True
    return ticket.ethics or committee.was_escalated(turn.session, ticket.id)  # type: ignore[arg-type]


def _refused(turn: _Turn, cmd: StaffCommand, why: str) -> None:
    """A command from a number that may not give it: kept on record, phone masked."""
    repo.audit(
        turn.session,
        actor=mask_phone(turn.msg.address),
        action="committee.refused",
        entity="message",
        entity_id=turn.inbound.id,
        now=turn.now,
        after={"verb": cmd.verb, "number": cmd.number},
        reason=why,
    )


def _audit(turn: _Turn, member: StaffUser, ticket: Ticket, verb: str, **after: object) -> None:
    repo.audit_ticket(
        turn.session,
        ticket,
        f"committee.{verb}",
        actor=member.username,
        now=turn.now,
        after={"by_phone": True, **after},
    )


def _acknowledge(turn: _Turn, member: StaffUser, ticket: Ticket, _cmd: StaffCommand) -> None:
    escalation = committee.open_escalation(turn.session, ticket.id)  # type: ignore[arg-type]
    if escalation is None:
        turn.reply("staff_no_escalation", number=ticket.number)
        return
    if escalation.acknowledged_at is None:
        escalation.acknowledged_at, escalation.acknowledged_by = turn.now, member.username
    _audit(turn, member, ticket, "ok", level=escalation.level)
    turn.reply("staff_ok", number=ticket.number, name=member.full_name or member.username)


def _close(turn: _Turn, member: StaffUser, ticket: Ticket, note: str) -> None:
    escalation = committee.open_escalation(turn.session, ticket.id)  # type: ignore[arg-type]
    if escalation is not None:
        escalation.acknowledged_at = escalation.acknowledged_at or turn.now
        escalation.acknowledged_by = escalation.acknowledged_by or member.username
        escalation.closed_at, escalation.note = turn.now, note


def _answer(turn: _Turn, member: StaffUser, ticket: Ticket, cmd: StaffCommand) -> None:
    service.send_answer(
        turn.session, ticket, cmd.arg, now=turn.now, desk=turn.desk, actor=member.username
    )
    _close(turn, member, ticket, "answered by phone")
    _audit(turn, member, ticket, "answer")
    citizen = turn.session.get(Contact, ticket.contact_id)
    held = citizen is not None and citizen.opted_out  # recorded unsent, as the admin says too
    turn.reply("staff_answered_held" if held else "staff_answered", number=ticket.number)


def _transfer(turn: _Turn, member: StaffUser, ticket: Ticket, cmd: StaffCommand) -> None:
    unit = repo.unit_by_code(turn.session, cmd.arg)
    if unit is None or not unit.active:
        turn.reply("staff_unknown_unit", typed=cmd.arg)
        return
    if unit.id == ticket.unit_id and not ticket.ethics:
        # nothing to hand over (an ethics ticket to its own unit is: the unit gets to see it)
        turn.reply("staff_same_unit", number=ticket.number, unit_code=unit.code)
        return
    # The committee has judged the matter: the receiving unit sees it, ethics flag or not.
    was_ethics, ticket.ethics = ticket.ethics, False
    reason = f"ALIH by {member.username}"
    tickets.transfer(
        turn.session,
        ticket,
        unit,
        reason=reason,
        now=turn.now,
        desk=turn.desk,
        actor=member.username,
    )
    _close(turn, member, ticket, f"transferred to {unit.code}")
    _audit(turn, member, ticket, "transfer", unit=unit.code, ethics_cleared=was_ethics)
    turn.reply("staff_transferred", number=ticket.number, unit_code=unit.code)


def _info(turn: _Turn, member: StaffUser, ticket: Ticket, _cmd: StaffCommand) -> None:
    stmt = (
        select(Message)
        .where(Message.ticket_id == ticket.id, col(Message.is_note).is_(False))
        .order_by(col(Message.id))
    )
    unit = turn.session.get(Unit, ticket.unit_id)
    zone = ZoneInfo(turn.desk.config.app.timezone)
    lines = [  # W: warga (the citizen), B: the desk's side
        f"{'W' if m.direction is Direction.IN else 'B'} "
        f"{m.created_at.astimezone(zone):%d/%m %H.%M}: {m.body}"
        for m in turn.session.exec(stmt)
    ]
    head = render(  # "DLH menunggu jawaban": the status in the member's words, not the enum's
        turn.desk.env,
        "staff_info_head",
        turn.lang,
        now=turn.now,
        tz=turn.desk.config.app.timezone,
        unit_code=unit.code if unit else "-",
        status=ticket.status.value,
    )
    limit = turn.desk.config.committee.info_part_chars - INFO_HEADER
    parts = split_text("\n".join([head, *lines]), limit)
    for part in parts:  # split_text numbers them "(1/3) ..."
        turn.reply("staff_info", number=ticket.number, text=part)
    _audit(turn, member, ticket, "info", parts=len(parts))


HANDLERS = {"ok": _acknowledge, "answer": _answer, "transfer": _transfer, "info": _info}
CHANGES_TICKET = {"answer", "transfer"}  # refused on a closed ticket
CITIZEN_VERBS = {"ok", "info"}  # also a citizen's words: "OK", "INFO" open ordinary replies

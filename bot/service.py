"""Handling one inbound message in ONE transaction: dedupe, contact, flow, ticket, draft, replies, outbox."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot import committee, conversations, flows, limits, parsers, progress, screening, sla
from bot.answers import AnswerDoc, rank
from bot.config import Config
from bot.media_items import due_at as files_due_at
from bot.messages import Direction, DraftStatus, InboundMessage, Priority, TicketStatus
from bot.replies import library, render
from bot.replies.sms import segments
from store import repo
from store.db import session_scope
from store.models import Answer, Contact, Conversation, Draft, Message, Ticket, Unit

log = logging.getLogger(__name__)

UNIT_LIST_KEYS = {"help", "codes", "unknown_code"}
# they name the unit as `code` and `name` (unknown_code_unit: `code` "" when routing has no guess)
NAMED_UNIT_KEYS = {"confirm_unit", "suggest_unit", "unknown_code_unit"}
OPTED_OUT = "citizen opted out (STOP)"  # why a message to the citizen was recorded, not sent


@dataclass(frozen=True)
class Desk:
    """What handling a message needs besides the session: config and the reply templates."""

    config: Config
    env: SandboxedEnvironment
    link_secret: str = ""  # signs the citizen's progress links (bot.progress); "" means no links


@dataclass(frozen=True)
class Outcome:
    message_id: int | None
    ticket: str | None
    replies: tuple[str, ...]  # what reaches the citizen (none of the held ones)
    duplicate: bool = False
    keys: tuple[str, ...] = ()  # the reply templates used, in order (transcript tests)
    # the replies that go out in the webhook's response (the others are sent through the outbox)
    inline_replies: tuple[str, ...] = ()
    # True when the transaction queued a row for the dispatcher (not only inline replies)
    queued: bool = field(default=True, compare=False)


@dataclass
class _Turn:
    """Everything one inbound message touches, gathered while its actions run."""

    session: Session
    desk: Desk
    now: datetime
    msg: InboundMessage
    contact: Contact
    inbound: Message
    units: dict[str, Unit]
    inline: bool
    linked: list[int] = field(default_factory=list)  # earlier messages waiting for a ticket
    ticket: Ticket | None = None
    replies: list[Message] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    feedback: str = ""  # a ticket answered during this turn: ask the citizen about it
    # the open tickets read for the snapshot, reused by the first action if nothing changed since
    open_cache: list[Ticket] | None = None
    # the desk typed a complaint for a citizen who sent STOP: filed, but nothing goes to the phone
    muted: bool = False
    # at most this many SMS segments go out in the webhook's response (0: no limit); a reply that
    # would pass it, and every reply after it (they must arrive in order), is queued instead
    inline_limit: int = 0
    inline_bodies: list[str] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.contact.language or self.desk.config.app.language

    def reply(self, key: str, **ctx: Any) -> None:
        """Render a template and queue it on the channel the citizen wrote from."""
        self.keys.append(key)
        ctx = _with_units(key, ctx, self.units)
        cfg = self.desk.config.app
        body = render(self.desk.env, key, self.lang, now=self.now, tz=cfg.timezone, **ctx)
        inline = self._fits_inline(body)
        if inline and not self.muted:
            self.inline_bodies.append(body)
        self.replies.append(
            repo.queue_reply(
                self.session,
                body=body,
                channel=self.msg.channel,
                address=self.msg.address,
                now=self.now,
                ticket_id=self.ticket.id if self.ticket else None,
                contact_id=self.contact.id,
                reply_to_id=self.inbound.id,
                inline=inline,
                blocked=OPTED_OUT if self.muted else "",
            )
        )

    def _fits_inline(self, body: str) -> bool:
        if not self.inline:
            return False
        if (
            self.inline_limit
            and segments("\n\n".join([*self.inline_bodies, body])) > self.inline_limit
        ):
            self.inline = False  # this reply and the ones after it go through the outbox, in order
            return False
        return True


def _with_units(key: str, ctx: dict[str, Any], units: dict[str, Unit]) -> dict[str, Any]:
    """Fill in unit names and lists so flows only need to name a code."""
    if key in UNIT_LIST_KEYS:
        ctx = {**ctx, "units": [{"code": u.code, "name": u.name} for u in units.values()]}
    if ctx.get("code"):
        unit = units[ctx.pop("code")]
        if key in NAMED_UNIT_KEYS:
            ctx = {**ctx, "code": unit.code, "name": unit.name}
        else:
            ctx = {**ctx, "unit_code": unit.code, "unit_name": unit.name}
    return ctx


def _keep_sent_files(session: Session, message: Message, now: datetime) -> None:
    """Files that came whole with the message (the simulator's, base64) go to their own rows at
    once, as fetched files do (bot.media): the message's JSON keeps no bytes."""
    media = list(message.media)
    for index, item in enumerate(media):
        if isinstance(item.get("data"), str):
            media[index] = repo.keep_file(
                session,
                message_id=message.id,  # type: ignore[arg-type]
                index=index,
                item=item,
                data=base64.b64decode(item["data"]),
                content_type=str(item.get("content_type", "")),
                now=now,
            )
    if media != message.media:
        message.media = media


def handle_inbound(
    session: Session,
    msg: InboundMessage,
    *,
    now: datetime,
    desk: Desk,
    inline: bool = False,
    inline_limit: int = 0,
) -> Outcome:
    """Store, understand and answer one inbound message. The caller commits."""
    if msg.provider_id:
        seen = repo.find_message(session, channel=msg.channel, provider_id=msg.provider_id)
        if seen is not None:
            return _replay(session, seen)
    contact = repo.resolve_contact(
        session, channel=msg.channel, address=msg.address, phone=msg.phone, now=now
    )
    limit = desk.config.app.max_message_chars
    media_items = [
        {"kind": m.kind, "url": m.url, "content_type": m.content_type, **m.extra} for m in msg.media
    ]
    inbound = repo.add_message(
        session,
        contact_id=contact.id,
        direction=Direction.IN,
        channel=msg.channel,
        address=msg.address,
        provider_id=msg.provider_id,
        body=msg.text[:limit],
        media=media_items,
        media_due_at=files_due_at(media_items, now),  # files at the provider: fetched later
        author="citizen",
        created_at=now,
    )
    _keep_sent_files(session, inbound, now)
    units = {u.code: u for u in repo.active_units(session)}
    turn = _Turn(
        session, desk, now, msg, contact, inbound, units, inline, inline_limit=inline_limit
    )
    verdict = limits.check(session, contact.id, now=now, cfg=desk.config.limits)  # type: ignore[arg-type]
    if verdict is not limits.Verdict.OK:  # a flood: stored, warned once, not answered
        _keep_limited(turn)
        if verdict is limits.Verdict.WARN and not contact.opted_out:
            turn.reply("rate_limited")
        return _outcome(turn)
    if not _staff_command(turn):
        _converse(turn)
    if len(msg.text) > limit:
        turn.reply("too_long", limit=limit)
    return _outcome(turn)


def _keep_limited(turn: _Turn) -> None:
    """A message past the rate limit runs no flow (no draft, no reply), but the officers must be
    able to read it: it joins the sender's latest open ticket of its kind, as uncoded text would.
    Screening still applies: words naming a breach never land before the unit (`_kept_apart`), and
    the committee is told. With no ticket open it stays on the contact (retention applies)."""
    open_now = repo.open_tickets(turn.session, turn.contact.id)  # type: ignore[arg-type]
    if not open_now:
        return
    breach = screening.names_breach(turn.session, turn.inbound.body)
    latest = next((t for t in open_now if t.ethics == breach), open_now[0])
    ticket = _kept_apart(turn, latest, breach, open_now)
    _attach(turn, ticket)
    _screen(turn, ticket, turn.inbound.body)


def _kept_apart(turn: _Turn, ticket: Ticket, breach: bool, cached: list[Ticket] | None) -> Ticket:
    """The ticket words added to `ticket` go on. Words naming a breach are kept apart from an
    ordinary ticket, as in _file_complaint: the unit keeps its complaint and the committee gets
    these on the citizen's open ethics ticket of the same unit, or a new one."""
    if ticket.ethics or not breach:
        return ticket
    if cached is None:
        cached = repo.open_tickets(turn.session, turn.contact.id)  # type: ignore[arg-type]
    same = next((t for t in cached if t.unit_id == ticket.unit_id and t.ethics), None)
    return same or _open_ticket(turn, _unit(turn, ticket))


def _outcome(turn: _Turn) -> Outcome:
    # held replies (the citizen sent STOP) are on record only: the simulator and the CLI, which
    # stand in for the phone, must not show them as if they had arrived
    return Outcome(
        turn.inbound.id,
        turn.ticket.number if turn.ticket else None,
        () if turn.muted else tuple(m.body for m in turn.replies),
        keys=tuple(turn.keys),
        inline_replies=tuple(turn.inline_bodies),
    )


def _staff_command(turn: _Turn) -> bool:
    """A committee command (OK/JAWAB/ALIH/INFO <no>) is handled as one; True if it was."""
    if turn.msg.from_desk:  # an officer typing for a citizen must not borrow a member's number
        return False
    cmd = parsers.parse_staff_command(turn.inbound.body)
    if cmd is None:
        return False
    # STOP holds for commands too (INFO about one's own ticket, OK, JAWAB...): what they do is
    # done, but the reply is recorded unsent until MULAI, as in _converse (a command is never MULAI)
    turn.muted = turn.contact.opted_out
    from bot import commands  # import here: commands answer citizens through this module

    return commands.run(turn, cmd)


def process_inbound(
    engine: Engine,
    msg: InboundMessage,
    *,
    now: datetime,
    desk: Desk,
    inline: bool = False,
    inline_limit: int = 0,
) -> Outcome:
    """handle_inbound in its own transaction. A concurrent duplicate or a contact created at the
    same moment by another worker violates a unique key; the retry then sees the committed row."""
    for attempt in range(3):
        try:
            with session_scope(engine) as session:
                outcome = handle_inbound(
                    session, msg, now=now, desk=desk, inline=inline, inline_limit=inline_limit
                )
                pending = bool(session.info.get(repo.PENDING_KEY))
            return replace(outcome, queued=pending)
        except IntegrityError:
            if attempt == 2:
                raise
            log.info("retrying inbound on %s after a concurrent insert", msg.channel)
    raise AssertionError("unreachable")


def _replay(session: Session, seen: Message) -> Outcome:
    """A provider's retry: nothing new is stored, and the same replies are given."""
    ticket = session.get(Ticket, seen.ticket_id) if seen.ticket_id else None
    replies = tuple(m.body for m in repo.replies_to(session, seen.id))  # type: ignore[arg-type]
    inline = tuple(repo.inline_replies_to(session, seen.id))  # type: ignore[arg-type]
    number = ticket.number if ticket else None
    return Outcome(seen.id, number, replies, duplicate=True, inline_replies=inline)


def _pending_units(data: dict[str, Any]) -> list[str]:
    """The unit codes a pending question refers to."""
    codes = [str(c) for c in data.get("choices", ())]
    return [*codes, str(data["unit"])] if data.get("unit") else codes


def _may_ask(settings: dict[str, Any], parsed: parsers.Parsed, state: flows.State) -> bool:
    """Whether this message may lead to a unit's follow-up questions: a complaint coded for a unit
    that has some, or the answer to "which unit?" or "tulis aduan Anda" (the only ways into them).
    Screening for a breach before asking is a lexicon read, so it is done only then."""
    questions = settings["questions"]
    if not questions:
        return False
    if state in (flows.State.AWAITING_UNIT, flows.State.AWAITING_TEXT):
        return True
    return state is flows.State.IDLE and (parsed.code or "") in questions


def _converse(turn: _Turn) -> None:
    """Run the flow for the message and apply its actions."""
    conv = repo.get_conversation(
        turn.session, channel=turn.msg.channel, address=turn.msg.address, now=turn.now
    )
    expired = conv.expires_at is not None and conv.expires_at <= turn.now
    # a unit deactivated while its question was pending: start afresh rather than fail every retry
    stale = not set(_pending_units(conv.data)) <= set(turn.units)
    state = flows.State.IDLE if expired or stale else flows.State(conv.state)
    data = {} if expired or stale else dict(conv.data)
    text = parsers.normalize_text(turn.inbound.body)
    refs = [parsers.UnitRef(u.code, tuple(u.aliases)) for u in turn.units.values()]
    parsed = parsers.parse_message(text, refs)
    if turn.contact.opted_out and parsed.keyword is not parsers.Keyword.START:
        # STOP holds until MULAI/START (the SMS convention; Twilio blocks at the carrier as well),
        # but a complaint is never lost: it is filed as usual (their own or typed in at the desk)
        # and its replies are recorded, unsent; the ticket page tells the officer why.
        turn.muted = True
    turn.open_cache = repo.open_tickets(turn.session, turn.contact.id)  # type: ignore[arg-type]
    open_refs = tuple(flows.TicketRef(t.number, _code(turn, t), t.ethics) for t in turn.open_cache)
    settings = conversations.snapshot_settings(
        turn.session,
        desk=turn.desk,
        contact=turn.contact,
        units=turn.units,
        parsed=parsed,
        text=text,
        now=turn.now,
    )
    if turn.muted or turn.msg.from_desk:
        # Questions would keep the complaint from being filed: the citizen would never receive them
        # (muted), or the officer typing a walk-in complaint has no field for the answers and asks
        # at the counter; the phone would get "Di mana lokasinya?" and the ticket wait for a reply.
        settings = {**settings, "questions": {}, "ask_name": False, "unasked": turn.muted}
    elif _may_ask(settings, parsed, state) and screening.names_breach(
        turn.session, f"{data.get('text', '')}\n{text}"
    ):
        # a breach goes to the committee at once: the unit's questions ("Di mana lokasinya?") are
        # the unit's, which will not see the ticket, and would hold the complaint back meanwhile
        settings = {**settings, "questions": {}}
    snap = flows.Snapshot(state, text, data, open_refs, bool(turn.msg.media), **settings)
    result = flows.step(snap, parsed, turn.now)
    turn.linked = [int(i) for i in data.get("message_ids", [])]
    for action in result.actions:
        _apply(turn, action)
    if turn.feedback and result.state is flows.State.IDLE and not turn.muted:
        # an answer went out at once (auto-send): ask whether it solved the problem
        turn.reply("ask_feedback", ticket=turn.feedback)
        result = flows.Step.to(flows.State.AWAITING_FEEDBACK, ticket=turn.feedback)
    _save_state(turn, conv, result)


def _unit(turn: _Turn, ticket: Ticket) -> Unit:
    """The ticket's unit, also when it was deactivated after the ticket was opened."""
    found = next((u for u in turn.units.values() if u.id == ticket.unit_id), None)
    if found is None:
        found = turn.session.get(Unit, ticket.unit_id)
    assert found is not None  # unit_id is a foreign key
    return found


def _code(turn: _Turn, ticket: Ticket) -> str:
    return _unit(turn, ticket).code


def _save_state(turn: _Turn, conv: Conversation, result: flows.Step) -> None:
    waiting = result.state is not flows.State.IDLE
    data = dict(result.data)
    if waiting and result.state is not flows.State.AWAITING_FEEDBACK:
        # remember which messages belong to the complaint still being put together
        data["message_ids"] = [*turn.linked, turn.inbound.id]
    conv.state = result.state.value
    conv.data = data
    conv.updated_at = turn.now
    conv.expires_at = conversations.wait_until(turn.now, turn.desk) if waiting else None


def _apply(turn: _Turn, action: flows.Action) -> None:
    cached = turn.open_cache
    if not isinstance(action, flows.Reply):  # any other action may change the open tickets
        turn.open_cache = None
    match action:
        case flows.Reply(key=key, ctx=ctx):
            turn.reply(key, **ctx)
        case flows.FileComplaint() as complaint:
            _file_complaint(turn, turn.units[complaint.unit_code], complaint, cached)
        case flows.AppendToTicket(number=number, reply=reply):
            ticket = repo.ticket_by_number(turn.session, number)
            assert ticket is not None
            breach = screening.names_breach(turn.session, turn.inbound.body)
            ticket = _kept_apart(turn, ticket, breach, cached)
            _attach(turn, ticket)
            if _screen(turn, ticket, turn.inbound.body):
                turn.reply("ack_ethics", ticket=ticket.number)
            elif reply:
                unit = _unit(turn, ticket)  # named here: it may no longer be among the active
                turn.reply(
                    "ack_append", ticket=ticket.number, unit_code=unit.code, unit_name=unit.name
                )
        case flows.RecordFeedback(number=number, satisfied=satisfied):
            _feedback(turn, number, satisfied)
        case flows.ReopenTicket(number=number):
            _reopen(turn, number)
        case flows.MarkConfidential(number=number):
            _confidential(turn, number)
        case flows.ShowStatus(number=number):
            show_status(turn, number)
        case flows.SetOptOut(opted_out=value):
            turn.contact.opted_out = value
            repo.audit(
                turn.session,
                actor="citizen",
                action="opt_out" if value else "opt_in",
                entity="contact",
                entity_id=turn.contact.id,
                now=turn.now,
            )
        case flows.SetLanguage(language=language):
            # this turn's replies and every later message (answers, reminders) use it
            turn.contact.language = language


def _attach(turn: _Turn, ticket: Ticket) -> None:
    """Link this message (and any earlier ones of the same complaint) to the ticket."""
    turn.ticket = ticket
    ticket.updated_at = turn.now
    for message_id in [*turn.linked, turn.inbound.id]:
        message = turn.session.get(Message, message_id)
        if message is not None and message.ticket_id is None:
            message.ticket_id = ticket.id
    turn.linked = []


def _file_complaint(
    turn: _Turn, unit: Unit, complaint: flows.FileComplaint, cached: list[Ticket] | None = None
) -> None:
    """Append to the citizen's open ticket of the same kind for the unit, or open a new one.

    A complaint naming a breach of ethics goes to the committee: no draft, and the citizen is told.
    Ordinary and ethics complaints are kept apart (DESIGN §4 and §7): an ethics ticket is hidden
    from the unit, so an ordinary complaint appended to it would never reach the unit, and an
    ethics complaint appended to an ordinary ticket would take that complaint away from it."""
    text = "\n".join([complaint.text, *complaint.details])
    # the name the citizen gave, or the one an officer typed at the desk (provider profile names,
    # WhatsApp's or Telegram's, are nicknames more often than names: not taken as identity)
    name = complaint.name or (turn.msg.name.strip()[:80] if turn.msg.from_desk else "")
    if name and not turn.contact.name:
        turn.contact.name = name
    if cached is None:
        cached = repo.open_tickets(turn.session, turn.contact.id)  # type: ignore[arg-type]
    ethics = screening.names_breach(turn.session, text)
    existing = next((t for t in cached if t.unit_id == unit.id and t.ethics == ethics), None)
    ticket = existing or _open_ticket(turn, unit)
    _attach(turn, ticket)
    if complaint.confidential:
        _confidential(turn, ticket.number)
    if _screen(turn, ticket, text):
        turn.reply("ack_ethics", ticket=ticket.number)
    elif existing is not None:
        turn.reply("ack_append", ticket=existing.number, code=unit.code)
    elif not ticket.ethics:
        link = progress.link_for(turn.desk.config, turn.desk.link_secret, ticket.number)
        turn.reply("ack_new", ticket=ticket.number, code=unit.code, due=ticket.due_at, link=link)
        _draft_answer(turn, ticket, unit, complaint.text)


def _screen(turn: _Turn, ticket: Ticket, text: str) -> bool:
    return screening.flag_if_ethics(
        turn.session, ticket, text, now=turn.now, desk=turn.desk, actor="citizen"
    )


def _feedback(turn: _Turn, number: str, satisfied: bool) -> None:
    ticket = repo.ticket_by_number(turn.session, number)
    if ticket is None or ticket.contact_id != turn.contact.id:
        turn.reply("help")
        return
    turn.ticket = ticket
    key = conversations.record_feedback(
        turn.session, ticket, satisfied=satisfied, now=turn.now, desk=turn.desk
    )
    turn.reply(key, ticket=ticket.number)


def _reopen(turn: _Turn, number: str) -> None:
    """The citizen wrote after the answer: an officer must read it, within a new deadline; the
    citizen is told so (the feedback question stays open)."""
    ticket = repo.ticket_by_number(turn.session, number)
    if ticket is None or ticket.contact_id != turn.contact.id or turn.ticket is not ticket:
        return  # the words went to a committee ticket of their own (they name a breach)
    conversations.reopen(
        turn.session, ticket, now=turn.now, desk=turn.desk, why="citizen wrote after the answer"
    )
    turn.reply("feedback_noted", ticket=ticket.number)


def _confidential(turn: _Turn, number: str) -> None:
    """RAHASIA: the unit will not see who complained (the admin masks the contact)."""
    ticket = repo.ticket_by_number(turn.session, number)
    if ticket is None or ticket.contact_id != turn.contact.id or ticket.confidential:
        return
    ticket.confidential = True
    repo.audit_ticket(
        turn.session,
        ticket,
        "ticket.confidential",
        actor="citizen",
        now=turn.now,
        before={"confidential": False},
        after={"confidential": True},
    )
    _redraft_without_name(turn, ticket)


def _redraft_without_name(turn: _Turn, ticket: Ticket) -> None:
    """Pending drafts were filled in with the citizen's name ({{ nama }}), which the unit may no
    longer see: make them again from their library answer as for a confidential ticket, or, when
    that answer is gone or no longer renders, put the greeting where the name was."""
    name, unit = turn.contact.name.strip(), _unit(turn, ticket)
    lang = turn.contact.language or turn.desk.config.app.language
    greeting = library.GREETING.get(lang, library.GREETING["id"])
    stmt = select(Draft).where(Draft.ticket_id == ticket.id, Draft.status == DraftStatus.PENDING)
    for draft in turn.session.exec(stmt.with_for_update()):
        answer = turn.session.get(Answer, draft.answer_id) if draft.answer_id else None
        body = _answer_text(turn, ticket, unit, answer) if answer is not None else None
        if body is None:
            body = draft.body.replace(name, greeting) if name else draft.body
        draft.body = body


def _open_ticket(turn: _Turn, unit: Unit) -> Ticket:
    ticket = Ticket(
        number=repo.new_ticket_number(turn.session),
        contact_id=turn.contact.id,  # type: ignore[arg-type]
        unit_id=unit.id,  # type: ignore[arg-type]
        channel=turn.msg.channel,
        address=turn.msg.address,
        received_at=turn.now,
        due_at=sla.due_at(
            turn.desk.config,
            received=turn.now,
            unit_hours=unit.sla_hours,
            priority=Priority.NORMAL,
            table=unit.priority_hours,
        ),
        updated_at=turn.now,
    )
    turn.session.add(ticket)
    turn.session.flush()
    repo.audit_ticket(
        turn.session,
        ticket,
        "ticket.open",
        actor="citizen",
        now=turn.now,
        after={"status": ticket.status.value, "unit": unit.code},
    )
    return ticket


def _draft_answer(turn: _Turn, ticket: Ticket, unit: Unit, text: str) -> None:
    """Put the best library answer up for approval; send it at once only if it is auto-send and sure."""
    rows = repo.answer_rows_for_unit(turn.session, unit.id)
    docs = [AnswerDoc(r.id, r.title, r.body, tuple(r.keywords), tuple(r.examples)) for r in rows]
    matches = rank(text, docs, limit=1)
    cfg = turn.desk.config.answers
    if not matches or matches[0].score < cfg.draft_threshold:
        return
    best = next(r for r in rows if r.id == matches[0].answer_id)
    body = _answer_text(turn, ticket, unit, best)
    if body is None:
        return
    draft = Draft(
        ticket_id=ticket.id,
        answer_id=best.id,
        body=body,
        score=matches[0].score,
        created_at=turn.now,
    )
    turn.session.add(draft)
    # Not for a citizen who sent STOP: the answer would be held unsent, yet the ticket marked
    # answered, and no officer would learn they never got it. The draft waits for an officer.
    if best.auto_send and matches[0].score >= cfg.auto_send_threshold and not turn.muted:
        draft.status, draft.decided_by, draft.decided_at = DraftStatus.APPROVED, "bot", turn.now
        answer = turn.session.get(Answer, best.id)  # the ORM row only when it is used
        assert answer is not None
        answer.usage_count += 1
        turn.reply("answer", ticket=ticket.number, code=unit.code, body=body)
        mark_answered(turn.session, ticket, now=turn.now, actor="bot", message=turn.replies[-1])
        turn.feedback = ticket.number


def answer_text(desk: Desk, body: str, ticket: Ticket, unit: Unit, contact: Contact) -> str:
    """A library answer's text for this ticket, its variables (bot.replies.library) filled in.
    Raises TemplateError, ValueError or TypeError when it cannot be rendered."""
    ctx = library.answer_context(
        nomor=ticket.number,
        nama="" if ticket.confidential else contact.name,  # the unit may not know who
        unit=unit.name,
        due=ticket.due_at,
        lang=contact.language or desk.config.app.language,
        tz=desk.config.app.timezone,
    )
    return library.render_answer(desk.env, body, ctx)


def _answer_text(turn: _Turn, ticket: Ticket, unit: Unit, answer: Any) -> str | None:
    """answer_text, or None (no draft: the officer answers) when the answer cannot be rendered
    (saved before the admin checked templates)."""
    try:
        return answer_text(turn.desk, answer.body, ticket, unit, turn.contact)
    except (TemplateError, ValueError, TypeError) as exc:
        log.warning("answer %s not drafted: %s", answer.id, type(exc).__name__)
        return None


def mark_answered(
    session: Session, ticket: Ticket, *, now: datetime, actor: str, message: Message | None = None
) -> None:
    """Record that the citizen got an answer: stops the SLA clock and ends an SLA-breach escalation.

    Done when the answer is queued; the audit line names the message (and whether it was the first
    answer), so that `undelivered.answer_failed` can open the ticket again if it never arrives."""
    before = ticket.status.value
    first = ticket.first_answer_at is None
    ticket.first_answer_at = ticket.first_answer_at or now
    ticket.status = TicketStatus.ANSWERED
    ticket.resolved_at = now
    ticket.updated_at = now
    repo.audit_ticket(
        session,
        ticket,
        "ticket.answer",
        actor=actor,
        now=now,
        before={"status": before},
        after={
            "status": "answered",
            "message_id": message.id if message else None,
            "first": first,
        },
    )
    committee.resolve_breach(session, ticket, now=now, actor=actor, why="answered")


def show_status(turn: _Turn, number: str) -> None:
    """STATUS [nomor]: the sender's own tickets (one, when a number is given) and where they stand."""
    tickets = repo.contact_tickets(turn.session, turn.contact.id)  # type: ignore[arg-type]
    if number:
        own = repo.ticket_by_number(turn.session, number)
        if own is None or own.contact_id != turn.contact.id:
            turn.reply("status_not_found", number=number)
            return
        tickets = [own]
    if not tickets:
        turn.reply("status_none")
        return
    rows = [
        {
            "number": t.number,
            "unit_code": _code(turn, t),
            "status": t.status.value,
            "due": t.due_at,
            "overdue": t.status is TicketStatus.OPEN and t.due_at <= turn.now,
            "answered_at": t.first_answer_at,
        }
        for t in tickets
    ]
    turn.reply("status", tickets=rows)


def send_answer(
    session: Session, ticket: Ticket, body: str, *, now: datetime, desk: Desk, actor: str
) -> Message:
    """Queue a staff answer to the citizen on the ticket's channel and stop the SLA clock."""
    repo.lock_contact(session, ticket.contact_id)  # before the conversation: see lock_contact
    contact = session.get(Contact, ticket.contact_id)
    unit = session.get(Unit, ticket.unit_id)
    assert contact is not None and unit is not None
    lang = contact.language or desk.config.app.language
    # The feedback question rides in the same message: one SMS per answer, never out of order.
    asks = conversations.ask_feedback(session, ticket, now=now, desk=desk)
    text = render(
        desk.env,
        "answer",
        lang,
        now=now,
        tz=desk.config.app.timezone,
        ticket=ticket.number,
        unit_code=unit.code,
        body=body,
        ask_feedback=asks,
    )
    message = repo.queue_reply(
        session,
        body=text,
        channel=ticket.channel,
        address=ticket.address,
        now=now,
        ticket_id=ticket.id,
        contact_id=contact.id,
        author=actor,
        blocked=OPTED_OUT if contact.opted_out else "",
    )
    mark_answered(session, ticket, now=now, actor=actor, message=message)
    return message


def draft_stale(session: Session, ticket: Ticket, draft: Draft) -> str | None:
    """Why a pending draft may no longer go to the citizen, or None when it may.

    A draft is the library's answer to the complaint as it was filed. Once the ticket was answered
    (by another officer, a committee JAWAB; also after a reopen, which wants a new answer), closed,
    flagged for ethics (the committee's, never a library answer) or moved to a unit whose library the
    answer is not in, sending it would put a stale or wrong answer on the citizen's phone."""
    if ticket.status is TicketStatus.CLOSED:
        return "closed"
    if ticket.ethics:
        return "ethics"
    if ticket.first_answer_at is not None or ticket.status is not TicketStatus.OPEN:
        return "answered"
    answer = session.get(Answer, draft.answer_id) if draft.answer_id else None
    if answer is not None and answer.unit_id not in (None, ticket.unit_id):
        return "transferred"
    return None


def approve_draft(
    session: Session,
    draft: Draft,
    *,
    now: datetime,
    desk: Desk,
    actor: str,
    body: str | None = None,
) -> Message:
    """An officer approves a draft (as is, or edited): the answer goes to the citizen once."""
    if draft.status is not DraftStatus.PENDING:
        raise ValueError(f"draft {draft.id} is already {draft.status.value}")
    ticket = session.get(Ticket, draft.ticket_id)
    assert ticket is not None
    repo.lock_contact(session, ticket.contact_id)  # the citizen's lock first, as every writer
    if why := draft_stale(session, ticket, draft):
        raise ValueError(f"draft {draft.id} may not be sent: ticket {why}")
    # Claim the draft with a conditional UPDATE: of two officers approving at once, the second
    # waits for the first's row lock and then matches no row, so the answer is queued once.
    claimed = session.connection().execute(
        sa.update(Draft)
        .where(col(Draft.id) == draft.id, col(Draft.status) == DraftStatus.PENDING)
        .values(status=DraftStatus.APPROVED)
    )
    if claimed.rowcount != 1:
        raise ValueError(f"draft {draft.id} was decided by someone else")
    before = {"status": DraftStatus.PENDING.value, "body": draft.body}
    draft.body = body if body is not None else draft.body
    draft.status, draft.decided_by, draft.decided_at = DraftStatus.APPROVED, actor, now
    repo.audit(
        session,
        actor=actor,
        action="draft.approve",
        entity="draft",
        entity_id=draft.id,
        ticket_id=ticket.id,
        now=now,
        before=before,
        after={"status": "approved", "body": draft.body},
    )
    return send_answer(session, ticket, draft.body, now=now, desk=desk, actor=actor)

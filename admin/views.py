"""The admin's pages: inbox, ticket, print view and approval queue. Their forms are in admin.actions
and admin.ticket_ops."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from jinja2 import TemplateError
from sqlmodel import Session
from werkzeug.exceptions import HTTPException

from admin import bp, display, i18n, queries
from admin.auth import me
from bot import analysis, committee, service, undelivered
from bot.answers import AnswerDoc, rank
from bot.messages import Direction, DraftStatus, Priority, Role, TicketStatus
from bot.runtime import Runtime
from store import repo
from store.db import read_session, session_scope
from store.models import Contact, Ticket, Unit

PAGE_SIZE = 50
REVEAL = "phone_reveal"  # session key: the ticket whose next page view shows the full number
LAST_PAGE = 100_000  # a larger ?page= shows the (empty) last page instead of overflowing OFFSET
HTTP_ERRORS = {
    403: "Halaman atau tiket ini bukan untuk Anda.",
    404: "Halaman atau tiket tidak ditemukan.",
}


def runtime() -> Runtime:
    return current_app.extensions["aduan"]  # type: ignore[no-any-return]


def local_zone() -> ZoneInfo:
    return ZoneInfo(runtime().desk.config.app.timezone)


def may_reveal(ticket: Ticket) -> bool:
    """Whether the viewer may see the citizen's identity: not an officer on a confidential ticket."""
    return not (ticket.confidential and me().role is Role.OFFICER)


def _phone(ticket: Ticket, contact: Contact | None) -> str:
    """Masked; a confidential ticket hides even that from officers."""
    if not may_reveal(ticket):
        return i18n.tr("(dirahasiakan)")
    return display.citizen_phone(ticket, contact)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    """Formatting for the admin templates, bound to the desk's time zone, clock and language."""
    tz, now = local_zone(), runtime().now()
    return {
        "when": lambda dt: display.local_time(dt, tz),
        "sla": lambda ticket: display.sla(ticket, now, i18n.lang()),
        "phone": _phone,
        "ticket_status": lambda s: i18n.tr(display.TICKET_STATUS.get(s, str(s))),
        "draft_status": lambda s: i18n.tr(display.DRAFT_STATUS.get(s, str(s))),
        "role": lambda r: i18n.tr(display.ROLE.get(r, str(r))),
        "priority_label": lambda p: i18n.tr(display.PRIORITY.get(p, str(p))),
        "delivery": display.delivery,
        "failure": display.failure,
        "action_label": lambda a: i18n.tr(display.ACTION.get(a, a)),
        "may_reveal": may_reveal,
        "_": i18n.tr,
        "lang": i18n.lang(),
        "desk_name": runtime().desk.config.app.desk_name,
    }


@bp.errorhandler(403)
@bp.errorhandler(404)
def _http_error(exc: HTTPException) -> ResponseReturnValue:
    code = exc.code or 500
    message = i18n.tr(HTTP_ERRORS[code]) if code in HTTP_ERRORS else ""
    return render_template("admin/error.html", code=code, message=message), code


@bp.get("/lang/<code>")
def set_lang(code: str) -> ResponseReturnValue:
    """Switch the interface language (kept in the session)."""
    if code in i18n.LANGS:
        session["lang"] = code
    back = urlsplit(request.referrer or "")
    same_site = back.netloc == request.host and back.path.startswith("/admin")
    return redirect(back.path if same_site else url_for("admin.inbox"))


@bp.get("/")
def inbox() -> ResponseReturnValue:
    """Tickets, newest first; ?status=&unit=&channel=&overdue=1&failed=1&q=&page=N."""
    args = request.args
    status, unit = args.get("status", ""), args.get("unit", "").strip().upper()
    channel, q = args.get("channel", "").strip(), args.get("q", "").strip()[:100]
    overdue, failed = args.get("overdue") == "1", args.get("failed") == "1"
    page = min(max(args.get("page", 1, type=int) or 1, 1), LAST_PAGE)
    chosen = TicketStatus(status) if status in set(TicketStatus) else None
    with read_session(runtime().engine) as db:
        rows = queries.inbox(
            db,
            me(),
            status=chosen,
            unit_code=unit or None,
            channel=channel or None,
            overdue_at=runtime().now() if overdue else None,
            failed=failed,
            search=q,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )
        units = queries.filter_units(db, me())
    filters = {"status": chosen.value if chosen else "", "unit": unit, "channel": channel, "q": q}
    filters["overdue"] = "1" if overdue else ""
    filters["failed"] = "1" if failed else ""
    return render_template(
        "admin/inbox.html",
        rows=rows[:PAGE_SIZE],
        units=units,
        statuses=display.TICKET_STATUS,
        channels=sorted(runtime().channels),
        f=filters,
        query={k: v for k, v in filters.items() if v},
        page=page,
        more=len(rows) > PAGE_SIZE,
    )


TAKEN_AWAY = "Tiket %(number)s baru saja dialihkan ke unit lain atau dikirim ke komite; tidak ada yang diubah."


def visible_ticket(db: Session, number: str) -> tuple[Ticket, Unit, Contact]:
    """The ticket by number, or 404 when unknown and 403 when it is not the viewer's."""
    found = queries.ticket_by_number(db, number)
    if found is None:
        abort(404)
    ticket, unit, _ = found
    if not queries.may_open(db, me(), ticket, unit.code):
        abort(403)
    return found


def locked_ticket(db: Session, number: str) -> Ticket:
    """The visible ticket as it is once the citizen's lock is ours (the lock first, as every writer).

    Whatever another writer did to it meanwhile (an officer's close, the citizen's reopen) has
    committed by then, and the form judges that, not the copy read before the lock (PostgreSQL).
    That includes who may act on it: a ticket transferred to another unit or sent to the committee
    meanwhile is no longer this officer's; nothing is done and they are back at the inbox, told why
    (a 403 page would hide that their click simply came second)."""
    ticket, _, _ = visible_ticket(db, number)
    repo.lock_contact(db, ticket.contact_id)
    db.refresh(ticket)
    unit = db.get(Unit, ticket.unit_id)
    if unit is None or not queries.may_open(db, me(), ticket, unit.code):
        flash(i18n.tr(TAKEN_AWAY) % {"number": number}, "info")
        abort(redirect(url_for("admin.inbox"), 303))
    return ticket


def _suggestions(
    db: Session, ticket: Ticket, unit: Unit, contact: Contact, messages: list[Any]
) -> list[tuple[Any, float, str]]:
    """The library answers that best fit what the citizen wrote, with their scores and their text
    for this ticket (variables filled in, as a draft would have them)."""
    text = " ".join(m.body for m in messages if m.direction is Direction.IN)
    answers = {a.id: a for a in repo.answers_for_unit(db, ticket.unit_id)}
    docs = [
        AnswerDoc(a.id, a.title, a.body, tuple(a.keywords), tuple(a.examples))
        for a in answers.values()
    ]  # type: ignore[arg-type]
    ranked = rank(text, docs, limit=3) if text else []
    found = [answers[m.answer_id] for m in ranked]
    return [
        (a, m.score, _answer_text(a.body, ticket, unit, contact))
        for a, m in zip(found, ranked, strict=True)
    ]


def _answer_text(body: str, ticket: Ticket, unit: Unit, contact: Contact) -> str:
    try:
        return service.answer_text(runtime().desk, body, ticket, unit, contact)
    except (TemplateError, ValueError, TypeError):
        return body  # saved before templates were checked: shown as written, for the officer to fix


def _ticket_context(db: Session, number: str) -> dict[str, Any]:
    ticket, unit, contact = visible_ticket(db, number)
    messages = list(queries.ticket_messages(db, ticket.id))  # type: ignore[arg-type]
    drafts = queries.ticket_drafts(db, ticket.id)  # type: ignore[arg-type]
    return {
        "ticket": ticket,
        "unit": unit,
        "contact": contact,
        "messages": messages,
        "drafts": drafts,
        # pending drafts that may no longer be sent, with the reason (service.draft_stale)
        "stale": {
            d.id: display.DRAFT_STALE[why]
            for d in drafts
            if d.status is DraftStatus.PENDING and (why := service.draft_stale(db, ticket, d))
        },
        "suggestions": _suggestions(db, ticket, unit, contact, messages),
        "analysis": analysis.of(db, ticket.id),  # type: ignore[arg-type]
        "history": queries.ticket_history(db, ticket.id),  # type: ignore[arg-type]
        # each outbound message's outbox row, and the failed ones an officer already sent again
        "deliveries": repo.ticket_outbox(db, ticket.id),  # type: ignore[arg-type]
        "resent": undelivered.resent(db, ticket.id),  # type: ignore[arg-type]
        "answer_failed": queries.answer_failed(db, ticket.id),  # type: ignore[arg-type]
        "assignee": queries.staff_name(db, ticket.assigned_to),
        "escalation": committee.open_escalation(db, ticket.id),  # type: ignore[arg-type]
        "units": [u for u in repo.active_units(db) if u.id != unit.id],
        "closed": ticket.status is TicketStatus.CLOSED,
        "priorities": list(Priority),
    }


@bp.get("/tickets/<number>")
def ticket(number: str) -> ResponseReturnValue:
    """The thread, the citizen, suggestions, drafts and every action on the ticket."""
    with read_session(runtime().engine) as db:
        ctx = _ticket_context(db, number)
    revealed = _revealed_phone(number, ctx["ticket"], ctx["contact"])
    # a fresh nonce per page: a double click or a resubmitted form sends the reply once
    html = render_template(
        "admin/ticket.html", reply_nonce=uuid.uuid4().hex, revealed_phone=revealed, **ctx
    )
    headers = {"Cache-Control": "private, no-store"} if revealed else {}
    return html, 200, headers


def _revealed_phone(number: str, ticket: Ticket, contact: Contact) -> str | None:
    """The full number when *Tampilkan nomor* (admin.reveal) was just asked for on this ticket;
    once: a later view is masked again. Re-checked, as the ticket may have become confidential."""
    asked, _, token = str(session.pop(REVEAL, "")).partition(":")
    if asked != number or not token or not may_reveal(ticket):
        return None
    rt = runtime()
    with session_scope(rt.engine) as db:  # one view per reveal, even with a replayed cookie
        if not repo.once(db, f"phone_reveal:{token}", rt.now()):
            return None
    return contact.phone


@bp.get("/tickets/<number>/print")
def ticket_print(number: str) -> ResponseReturnValue:
    """The ticket as a lembar disposisi (forwarding form), laid out for paper."""
    with read_session(runtime().engine) as db:
        ctx = _ticket_context(db, number)
    return render_template("admin/print.html", **ctx)


@bp.get("/drafts")
def drafts() -> ResponseReturnValue:
    """Drafts waiting for approval, the nearest deadline first."""
    with read_session(runtime().engine) as db:
        rows = queries.draft_queue(db, me())
    return render_template("admin/drafts.html", rows=rows)

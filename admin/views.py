"""The admin's pages: inbox, ticket and approval queue. The forms they post to are in admin.actions."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from sqlmodel import Session
from werkzeug.exceptions import HTTPException

from admin import bp, display, queries
from admin.auth import me
from bot.messages import TicketStatus
from bot.runtime import Runtime
from store.db import read_session
from store.models import Contact, Ticket, Unit

PAGE_SIZE = 50


def runtime() -> Runtime:
    return current_app.extensions["aduan"]  # type: ignore[no-any-return]


def local_zone() -> ZoneInfo:
    return ZoneInfo(runtime().desk.config.app.timezone)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    """Formatting for the admin templates, bound to the desk's time zone and clock."""
    tz, now = local_zone(), runtime().now()
    return {
        "when": lambda dt: display.local_time(dt, tz),
        "sla": lambda ticket: display.sla(ticket, now),
        "phone": display.citizen_phone,
        "ticket_status": lambda s: display.TICKET_STATUS.get(s, str(s)),
        "draft_status": lambda s: display.DRAFT_STATUS.get(s, str(s)),
        "role": lambda r: display.ROLE.get(r, str(r)),
    }


@bp.errorhandler(403)
@bp.errorhandler(404)
def _http_error(exc: HTTPException) -> ResponseReturnValue:
    messages = {403: "Tiket ini bukan untuk unit Anda.", 404: "Halaman atau tiket tidak ditemukan."}
    code = exc.code or 500
    return render_template("admin/error.html", code=code, message=messages.get(code, "")), code


@bp.get("/")
def inbox() -> ResponseReturnValue:
    """Tickets, newest first; ?status=open|answered|closed&unit=CODE&page=N."""
    status = request.args.get("status", "")
    unit = request.args.get("unit", "").strip().upper()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    chosen = TicketStatus(status) if status in set(TicketStatus) else None
    with read_session(runtime().engine) as db:
        rows = queries.inbox(
            db,
            me(),
            status=chosen,
            unit_code=unit or None,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )
        units = queries.filter_units(db, me())
    return render_template(
        "admin/inbox.html",
        rows=rows[:PAGE_SIZE],
        units=units,
        statuses=display.TICKET_STATUS,
        status=chosen.value if chosen else "",
        unit=unit,
        page=page,
        more=len(rows) > PAGE_SIZE,
    )


def visible_ticket(db: Session, number: str) -> tuple[Ticket, Unit, Contact]:
    """The ticket by number, or 404 when unknown and 403 when it is not the viewer's."""
    found = queries.ticket_by_number(db, number)
    if found is None:
        abort(404)
    ticket, unit, _ = found
    if not queries.can_see(me(), ticket, unit.code):
        abort(403)
    return found


@bp.get("/tickets/<number>")
def ticket(number: str) -> ResponseReturnValue:
    """The thread, the pending drafts and the answer forms."""
    with read_session(runtime().engine) as db:
        ticket, unit, contact = visible_ticket(db, number)
        messages = queries.ticket_messages(db, ticket.id)  # type: ignore[arg-type]
        drafts = queries.ticket_drafts(db, ticket.id)  # type: ignore[arg-type]
    return render_template(
        "admin/ticket.html",
        ticket=ticket,
        unit=unit,
        contact=contact,
        messages=messages,
        drafts=drafts,
        closed=ticket.status is TicketStatus.CLOSED,
    )


@bp.get("/drafts")
def drafts() -> ResponseReturnValue:
    """Drafts waiting for approval, the nearest deadline first."""
    with read_session(runtime().engine) as db:
        rows = queries.draft_queue(db, me())
    return render_template("admin/drafts.html", rows=rows)

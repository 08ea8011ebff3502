"""The citizen's progress page /t/<token>: status and public replies, no personal data, no notes."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template
from flask.typing import ResponseReturnValue
from sqlmodel import col, select

from admin import display
from bot import progress
from bot.messages import Direction
from bot.runtime import Runtime
from store import repo
from store.db import read_session
from store.models import Message, Unit

bp = Blueprint("progress", __name__, template_folder="templates")


@bp.get("/t/<token>")
def page(token: str) -> ResponseReturnValue:
    """Where the ticket stands; 404 for a bad or expired link (nothing about why)."""
    rt: Runtime = current_app.extensions["aduan"]
    cfg = rt.desk.config
    number = progress.read_token(
        rt.desk.link_secret, token, max_age_days=cfg.admin.progress_link_days
    )
    if not number or not cfg.admin.progress_link:
        abort(404)
    with read_session(rt.engine) as db:
        ticket = repo.ticket_by_number(db, number)
        if ticket is None:
            abort(404)
        unit = db.get(Unit, ticket.unit_id)
        stmt = select(Message).where(
            Message.ticket_id == ticket.id,
            Message.direction == Direction.OUT,
            Message.contact_id == ticket.contact_id,  # not the staff's reminders and alerts
            col(Message.is_note).is_(False),
            Message.author != "bot",  # the staff's answers, not the bot's receipts
        )
        replies = list(db.exec(stmt.order_by(col(Message.id))))
    tz, now = ZoneInfo(cfg.app.timezone), rt.now()
    return render_template(
        "progress.html",
        ticket=ticket,
        unit=unit,
        replies=replies,
        status=display.TICKET_STATUS[ticket.status],
        when=lambda dt: display.local_time(dt, tz),
        sla=display.sla(ticket, now),
        desk_name=cfg.app.desk_name,
    )

"""Daily digest per unit and the monthly summary to the Pengarah and Ketua: scheduled, sent once.

Each has one occurrence a day (or a month) at a configured local time. A run at or after that time
sends it unless its JobMark exists; a scheduler that was down catches up with the latest occurrence
only, since yesterday's digest is no use today.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot import notices, report, sla
from bot.jobs import claimed, once
from bot.recap import previous_month
from bot.service import Desk
from store.models import Ticket, Unit

log = logging.getLogger(__name__)


def _occurrence(now: datetime, tz: str, at: str) -> datetime:
    local = now.astimezone(ZoneInfo(tz))
    return datetime.combine(local.date(), time.fromisoformat(at), tzinfo=local.tzinfo)


def daily_digest(session: Session, *, now: datetime, desk: Desk) -> int:
    """Each unit's officers get today's figures once, at [jobs] digest_time."""
    cfg = desk.config
    moment = _occurrence(now, cfg.app.timezone, cfg.jobs.digest_time)
    if now < moment:
        return 0
    counts = _unit_counts(session, now, moment)
    sent = 0
    for unit in session.exec(select(Unit).where(Unit.active).order_by(Unit.code)).all():
        c = counts.get(unit.id or 0, {})
        if not c.get("open") and not c.get("answered"):
            continue  # nothing to say: spare the officers an SMS
        if not once(session, f"digest:{unit.code}:{moment.date().isoformat()}", now):
            continue
        officers = notices.unit_officers(session, unit.code)
        link = notices.admin_link(cfg, f"/admin/?unit={unit.code}") if cfg.public_base_url else ""
        ctx = {k: c.get(k, 0) for k in ("open", "overdue", "due_today", "answered")}
        sent += bool(
            notices.tell_staff(
                session,
                officers,
                "digest",
                now=now,
                desk=desk,
                unit_code=unit.code,
                link=link,
                **ctx,
            )
        )
    return sent


def _unit_counts(session: Session, now: datetime, today: datetime) -> dict[int, dict[str, int]]:
    """Per unit: open, overdue, due today, answered yesterday (ethics tickets left out)."""
    start = today.replace(hour=0, minute=0)
    yesterday = start - timedelta(days=1)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    stmt = select(Ticket).where(col(Ticket.ethics).is_(False))
    stmt = stmt.where((Ticket.status == "open") | (col(Ticket.first_answer_at) >= yesterday))
    for t in session.exec(stmt).all():
        c = counts[t.unit_id]
        if t.first_answer_at is not None and yesterday <= t.first_answer_at < start:
            c["answered"] += 1
        if t.status == "open":
            c["open"] += 1
            # open = awaiting an answer, a first one or one after a reopen (due_at is its deadline)
            c["overdue"] += t.due_at < now
            c["due_today"] += now <= t.due_at < start + timedelta(days=1)
    return counts


def monthly_recap(session: Session, *, now: datetime, desk: Desk) -> int:
    """On the 1st at [jobs] recap_time, last month's summary with a link goes to the heads' phones."""
    cfg = desk.config
    tz = cfg.app.timezone
    month = previous_month(now, tz)
    first = _occurrence(now, tz, cfg.jobs.recap_time).replace(day=1)
    if now < first or claimed(session, f"recap:{month}"):
        return 0
    heads = [h for h in notices.committee_heads(session) if notices.route(h, cfg) is not None]
    if not heads:
        # not marked as sent: a Pengarah or Ketua given a phone later this month still gets it
        if once(session, f"recap:{month}:nobody", now):
            log.warning(
                "monthly recap %s waits: no Pengarah or Ketua has a phone to send to", month
            )
        return 0
    if not once(session, f"recap:{month}", now):
        return 0
    recap = report.monthly(session, month, tz=tz, now=now, office=sla.office_hours(cfg.sla, tz))
    fig = recap.overall
    notices.tell_staff(
        session,
        heads,
        "recap",
        now=now,
        desk=desk,
        month=month,
        empty=fig.received == 0,
        received=fig.received,
        answered=fig.answered,
        within_pct=_num(fig.within_sla_pct),
        median=_num(fig.median_hours),
        open=fig.open,
        overdue=fig.overdue,
        ethics=fig.ethics,
        link=notices.admin_link(cfg, f"/admin/recap?month={month}"),
    )
    return 1


def _num(value: float | None) -> str:
    """Indonesian decimal comma; '-' when there is nothing to measure."""
    return "-" if value is None else f"{value:g}".replace(".", ",")

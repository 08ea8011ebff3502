"""The dashboard: today's counts, overdue tickets, answers that failed to reach the citizen, the
approval queue and the last 30 days as a chart."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue

from admin import bp, queries, stats
from admin.auth import me
from admin.views import local_zone, runtime
from bot import sla
from bot.messages import Role
from store.db import read_session

DAYS = 30


def chart(
    per_day: list[tuple[date, int, int]], width: int = 720, height: int = 180
) -> dict[str, Any]:
    """Bar geometry for an inline SVG: received (blue) and answered (green) per day."""
    top = max([max(r, a) for _, r, a in per_day] + [1])
    step = width / len(per_day)
    bars = []
    for i, (day, received, answered) in enumerate(per_day):
        x = i * step
        bars.append(
            {
                "x": round(x + 1, 1),
                "w": round(step / 2 - 1, 1),
                "received_h": round(received / top * (height - 20), 1),
                "answered_h": round(answered / top * (height - 20), 1),
                "received": received,
                "answered": answered,
                "label": day.strftime("%d/%m") if i % 5 == 0 or i == len(per_day) - 1 else "",
                "day": day.isoformat(),
            }
        )
    return {"bars": bars, "width": width, "height": height, "top": top, "step": step}


@bp.get("/dashboard")
def dashboard() -> ResponseReturnValue:
    """Today at a glance, for the viewer's tickets; admins are also warned of a missing holiday list."""
    rt, tz = runtime(), local_zone()
    now = rt.now()
    today = now.astimezone(tz).date()
    first = today - timedelta(days=DAYS - 1)
    since = datetime.combine(first, time(0), tz)
    with read_session(rt.engine) as db:
        received, answered = stats.daily_activity(db, me(), since=since)
        counts = stats.desk_counts(db, me(), now=now)
        queue = len(queries.draft_queue(db, me(), limit=1000))
        late = queries.inbox(db, me(), overdue_at=now, limit=10)
        failed = queries.failed_answers(db, me(), limit=10)
    by_day: dict[date, list[int]] = {first + timedelta(days=i): [0, 0] for i in range(DAYS)}
    for moment in received:
        by_day.get(moment.astimezone(tz).date(), [0, 0])[0] += 1
    for moment in answered:
        by_day.get(moment.astimezone(tz).date(), [0, 0])[1] += 1
    per_day = [(d, r, a) for d, (r, a) in sorted(by_day.items())]
    no_holidays = (
        sla.missing_holiday_lists(rt.desk.config.sla, today) if me().role == Role.ADMIN else []
    )
    return render_template(
        "admin/dashboard.html",
        today_received=by_day[today][0],
        today_answered=by_day[today][1],
        counts=counts,
        queue=queue,
        late=late,
        failed=failed,
        chart=chart(per_day),
        no_holidays=no_holidays,
    )

"""The monthly recap page (charts), its XLSX and CSV downloads, and the SLA reminders list."""

from __future__ import annotations

import io
import re
from zoneinfo import ZoneInfo

from flask import Response, abort, render_template, request, send_file
from flask.typing import ResponseReturnValue
from sqlmodel import col, select

from admin import bp, queries
from admin.auth import me
from admin.i18n import tr
from admin.views import runtime
from bot import report, sla
from bot.messages import Role
from bot.recap import SOURCES, Figures, Recap, previous_month
from store.db import read_session
from store.models import AuditLog, Ticket, Unit

MONTH = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])")
SLA_ACTIONS = ("sla.reminder", "sla.breach")


def _recap() -> tuple[Recap, ZoneInfo]:
    """The recap of ?month=YYYY-MM (last month by default); admin and committee only."""
    if me().role not in (Role.ADMIN, Role.COMMITTEE):
        abort(403)
    rt = runtime()
    tz = rt.desk.config.app.timezone
    month = request.args.get("month", "") or previous_month(rt.now(), tz)
    if not MONTH.fullmatch(month):
        abort(404)
    with read_session(rt.engine) as db:
        office = sla.office_hours(rt.desk.config.sla, tz)
        return report.monthly(db, month, tz=tz, now=rt.now(), office=office), ZoneInfo(tz)


@bp.get("/recap")
def recap() -> ResponseReturnValue:
    """Rekapitulasi bulanan: the figures per unit and overall, with bar charts."""
    data, _ = _recap()
    return render_template(
        "admin/recap.html",
        recap=data,
        labels=report.LABELS,
        figure=_figure,
        unit_values=lambda r, key: [(c, getattr(f, key) or 0) for c, f in r.units.items()],
        channel_values=lambda f: [(tr(SOURCES.get(k, k)), n) for k, n in f.by_channel.items()],
    )


def _figure(fig: Figures, key: str) -> str:
    value = getattr(fig, key)
    return "-" if value is None else str(value)


@bp.get("/recap.xlsx")
def recap_xlsx() -> ResponseReturnValue:
    data, tz = _recap()
    buf = io.BytesIO()
    report.write_xlsx(data, buf, tz=tz)
    buf.seek(0)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_file(
        buf, mimetype=kind, as_attachment=True, download_name=f"rekap-{data.month}.xlsx"
    )


@bp.get("/recap.csv")
def recap_csv() -> ResponseReturnValue:
    """?kind=summary (one row per scope, default) or ?kind=tickets (every ticket, phones masked)."""
    data, tz = _recap()
    tickets = request.args.get("kind") == "tickets"
    body = report.tickets_csv(data, tz=tz) if tickets else report.summary_csv(data)
    name = f"rekap-{data.month}-{'tiket' if tickets else 'ringkasan'}.csv"
    headers = {"Content-Disposition": f"attachment; filename={name}"}
    return Response(body, mimetype="text/csv", headers=headers)


@bp.get("/sla")
def sla_events() -> ResponseReturnValue:
    """The latest reminders and breaches the scheduler recorded, for the viewer's tickets."""
    stmt = (
        select(AuditLog, Ticket, Unit)
        .join(Ticket, col(Ticket.id) == AuditLog.ticket_id)
        .join(Unit, col(Unit.id) == Ticket.unit_id)
        .where(col(AuditLog.action).in_(SLA_ACTIONS))
    )
    # the ticket pages' rule in SQL (the committee's escalated tickets included)
    stmt = queries.visible(stmt, me())
    stmt = stmt.order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc()).limit(100)
    with read_session(runtime().engine) as db:
        rows = list(db.exec(stmt).all())
    return render_template("admin/sla.html", rows=rows)

"""The monthly recap from the database, and its XLSX and CSV files (openpyxl). No Flask."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from datetime import UTC, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot import analysis
from bot.messages import DESK_ID_PREFIX, Direction
from bot.parsers import mask_phone
from bot.recap import SOURCES, Figures, Recap, TicketFacts, compute, month_bounds, source
from bot.sla import OfficeHours
from store.models import (
    AuditLog,
    Contact,
    Escalation,
    Message,
    StaffUser,
    Ticket,
    TicketAnalysis,
    Unit,
)

LABELS = {
    "received": "Diterima",
    "answered": "Dijawab",
    "within_sla": "Dijawab tepat waktu",
    "within_sla_pct": "Tepat waktu (%)",
    "median_hours": "Median waktu jawab (jam)",
    "p90_hours": "P90 waktu jawab (jam)",
    "open": "Belum dijawab",
    "overdue": "Lewat batas waktu",
    "closed_unanswered": "Ditutup tanpa jawaban",
    "transferred": "Dialihkan",
    "escalated": "Dieskalasi",
    "ethics": "Dugaan pelanggaran etik",
    "reopened": "Dibuka kembali",
    "satisfied": "Puas",
    "unsatisfied": "Tidak puas",
    "satisfaction_pct": "Kepuasan (%)",
    "first_action_15_pct": "Ditangani petugas ≤ 15 menit (%)",
    "analysis_15_pct": "Dianalisis ≤ 15 menit (%)",
    "without_analysis": "Tanpa analisis",
    "documentation_30_pct": "Didokumentasikan ≤ 30 menit (%)",
    "closed_undocumented": "Ditutup tanpa dokumentasi",
}
TICKET_COLUMNS = (
    "number", "unit_code", "channel", "priority", "status", "received_at", "due_at",
    "first_answer_at", "hours_to_answer", "within_sla", "transferred", "reopened", "escalated",
    "satisfied", "phone", "analysed_at", "documented_at",
)  # fmt: skip


def _typed_at_desk() -> Any:
    """Whether the ticket's first inbound message was typed in at the desk (admin intake): such a
    ticket came in at the counter or by telephone, whatever gateway its replies go out on."""
    first = aliased(Message)
    first_id = (
        select(func.min(first.id))
        .where(first.ticket_id == Ticket.id, first.direction == Direction.IN)
        .correlate(Ticket)
        .scalar_subquery()
    )
    return (
        select(Message.id)
        .where(Message.id == first_id, col(Message.provider_id).startswith(DESK_ID_PREFIX))
        .exists()
    )


def _first_staff_action() -> tuple[Any, Any]:
    """When a staff account first did something on the ticket: an audit line (claim, draft
    decision, priority, transfer, close, a committee member's OK…) other than typing the complaint
    in at the desk, which is its receipt; and a message written (a reply, a note)."""
    staff = select(StaffUser.username)
    audited = (
        select(func.min(AuditLog.at))
        .where(
            AuditLog.ticket_id == Ticket.id,
            col(AuditLog.actor).in_(staff),
            AuditLog.action != "ticket.intake",
        )
        .correlate(Ticket)
        .scalar_subquery()
    )
    written = (
        select(func.min(Message.created_at))
        .where(Message.ticket_id == Ticket.id, col(Message.author).in_(staff))
        .correlate(Ticket)
        .scalar_subquery()
    )
    return audited, written


def _sop_steps() -> tuple[Any, Any]:
    """When the ticket's analysis was first saved (SOP step 3), and when a staff account first
    closed it with a reason, its resolution record (step 4; `bot.analysis`)."""
    analysed = (
        select(TicketAnalysis.analysed_at)
        .where(TicketAnalysis.ticket_id == Ticket.id)
        .correlate(Ticket)
        .scalar_subquery()
    )
    documented = (
        select(func.min(AuditLog.at))
        .where(
            AuditLog.ticket_id == Ticket.id,
            AuditLog.action == analysis.DOCUMENTED_BY,
            col(AuditLog.actor).in_(select(StaffUser.username)),
            AuditLog.reason != "",
        )
        .correlate(Ticket)
        .scalar_subquery()
    )
    return analysed, documented


def load_tickets(session: Session, start: datetime, end: datetime) -> list[TicketFacts]:
    """Facts of every ticket received in [start, end), phone numbers masked."""
    escalated = select(Escalation.ticket_id).where(col(Escalation.created_at) < end)
    stmt = (
        select(
            Ticket,
            Unit.code,
            Contact.phone,
            col(Ticket.id).in_(escalated),
            _typed_at_desk(),
            *_first_staff_action(),
            *_sop_steps(),
        )
        .join(Unit, col(Unit.id) == Ticket.unit_id)
        .join(Contact, col(Contact.id) == Ticket.contact_id)
        .where(col(Ticket.received_at) >= start, col(Ticket.received_at) < end)
        .order_by(col(Ticket.received_at))
    )
    rows = session.exec(stmt).all()
    return [
        TicketFacts(
            number=t.number,
            unit_code=code,
            channel=t.channel,
            priority=str(t.priority),
            status=str(t.status),
            received_at=t.received_at,
            due_at=t.first_due_at or t.due_at,  # the first answer's, as the recap measures
            first_answer_at=t.first_answer_at,
            closed_at=t.closed_at,
            ethics=t.ethics,
            transferred=t.transferred_count > 0,
            reopened=t.reopened_count > 0,
            escalated=bool(esc),
            satisfied=t.satisfied,
            phone=mask_phone(phone or t.address),
            source=source(t.channel, t.address, from_desk=desk),
            first_action_at=_earliest(audited, written),
            analysed_at=_earliest(analysed),
            documented_at=_earliest(documented),
        )
        for t, code, phone, esc, desk, audited, written, analysed, documented in rows
    ]


def _earliest(*moments: datetime | None) -> datetime | None:
    """The earliest of the moments given (aware UTC: the aggregates come back naive)."""
    known = [m if m.tzinfo else m.replace(tzinfo=UTC) for m in moments if m is not None]
    return min(known, default=None)


def monthly(
    session: Session, month: str, *, tz: str, now: datetime, office: OfficeHours | None = None
) -> Recap:
    """The recap of one month (YYYY-MM) from the database; `office` is the SLA clock's calendar
    (`sla.office_hours`), which the SOP step figures count in."""
    start, end = month_bounds(month, tz)
    return compute(load_tickets(session, start, end), month, tz=tz, now=now, office=office)


def _scope_rows(recap: Recap) -> list[tuple[str, Figures]]:
    return [("SEMUA", recap.overall), *recap.units.items()]


def _figure_rows(fig: Figures) -> list[tuple[str, Any]]:
    values = asdict(fig)
    rows = [(label, values[key]) for key, label in LABELS.items()]
    return rows + [(f"Kanal: {SOURCES.get(key, key)}", n) for key, n in fig.by_channel.items()]


def _ticket_row(t: TicketFacts, tz: Any) -> list[Any]:
    def local(d: datetime | None) -> Any:
        return d.astimezone(tz).replace(tzinfo=None) if d else None

    hours = (
        (t.first_answer_at - t.received_at).total_seconds() / 3600 if t.first_answer_at else None
    )
    within = t.first_answer_at is not None and t.first_answer_at <= t.due_at
    return [
        t.number, t.unit_code, SOURCES.get(t.source, t.channel), t.priority, t.status,
        local(t.received_at), local(t.due_at), local(t.first_answer_at),
        round(hours, 2) if hours is not None else None, within,
        t.transferred, t.reopened, t.escalated, t.satisfied, t.phone,
        local(t.analysed_at), local(t.documented_at),
    ]  # fmt: skip


def listed(recap: Recap) -> list[TicketFacts]:
    """The tickets the files list one by one: ethics complaints are a count only (DESIGN §9), so
    neither their number, the unit they name nor the citizen's masked phone leave the committee's
    pages in a file that goes round the units and the Pengarah."""
    return [t for t in recap.tickets if not t.ethics]


def _sheet(ws: Worksheet, title: str, fig: Figures) -> None:
    ws.append([title])
    ws.append(["Indikator", "Nilai"])
    for row in _figure_rows(fig):
        ws.append(list(row))
    ws.column_dimensions["A"].width = 32


def write_xlsx(recap: Recap, out: IO[bytes] | str, *, tz: Any) -> None:
    """One sheet overall, one per unit, one listing every ticket but the ethics ones (`listed`)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Ringkasan"
    _sheet(ws, f"Rekapitulasi aduan {recap.month} (semua unit)", recap.overall)
    for code, fig in recap.units.items():
        _sheet(wb.create_sheet(code[:31]), f"Rekapitulasi aduan {recap.month} {code}", fig)
    listing = wb.create_sheet("Tiket")
    listing.append(list(TICKET_COLUMNS))
    for t in listed(recap):
        listing.append(_ticket_row(t, tz))
    wb.save(out)


def summary_csv(recap: Recap) -> str:
    """One row per scope (overall, then each unit), one column per figure."""
    channels = list(recap.overall.by_channel)  # sms, whatsapp, telegram, loket, then others
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["month", "scope", *LABELS, *(f"channel_{c}" for c in channels)])
    for scope, fig in _scope_rows(recap):
        values = asdict(fig)
        row = [values[k] if values[k] is not None else "" for k in LABELS]
        writer.writerow([recap.month, scope, *row, *(fig.by_channel.get(c, 0) for c in channels)])
    return buf.getvalue()


def tickets_csv(recap: Recap, *, tz: Any) -> str:
    """Every ticket of the month but the ethics ones (`listed`), one row each (phones masked)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(TICKET_COLUMNS)
    for t in listed(recap):
        writer.writerow(["" if v is None else v for v in _ticket_row(t, tz)])
    return buf.getvalue()

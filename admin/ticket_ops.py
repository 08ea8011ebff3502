"""The ticket page's other forms: claim, transfer, escalate, ethics, close, reopen, priority,
internal note, analysis (SOP step 3), sending a failed message again.

Each runs one bot.tickets (or bot.committee) function in one transaction as the logged-in officer,
then sends the officer back to the ticket with a message (POST/redirect/GET).
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from admin import ID, bp, queries
from admin.auth import me
from admin.i18n import tr
from admin.views import locked_ticket, runtime
from bot import analysis, committee, tickets
from bot.messages import Priority, TicketStatus
from store import repo
from store.db import session_scope
from store.models import Message, Unit

REASON_MAX = 300
ANALYSIS_MAX = 4000  # each of the three texts
ANALYSIS_SAVED = "Analisis tiket %(number)s disimpan."
ANALYSIS_UNCHANGED = "Analisis tiket %(number)s tidak berubah."
ANALYSIS_INCOMPLETE = "Isi uraian masalah dan rekomendasi penyelesaian."
# Retention scrubs a ticket once: a text written on it afterwards would be kept for good (UU PDP).
ANONYMISED = (
    "Data pribadi tiket ini sudah dihapus (retensi data); tiket ini tidak dapat diubah lagi."
)
RESENT = "Pesan dikirim ulang ke warga; statusnya tampil di percakapan."
NOT_RESENT = {
    "not failed": "Pesan ini tidak gagal; tidak dikirim ulang.",
    "already sent again": "Pesan ini sudah dikirim ulang.",
    "opted out": "Warga sudah meminta berhenti menerima pesan (STOP); pesan tidak dikirim ulang.",
    "ticket closed": "Tiket yang sudah ditutup tidak dapat dikirimi pesan.",
}
TRANSFERRED = "Tiket %(number)s dialihkan ke %(unit)s; warga sudah diberi tahu."
TRANSFERRED_HELD = (
    "Tiket %(number)s dialihkan ke %(unit)s; warga tidak diberi tahu karena sudah meminta berhenti "
    "menerima pesan (STOP)."
)


CLOSE_NEEDS_REASON = (
    "Tiket ini belum dijawab: tuliskan alasan penutupan. Alasan itu dikirim ke warga, kecuali "
    'Anda mencentang "tanpa pemberitahuan".'
)
CLOSED = "Tiket %(number)s diselesaikan dan ditutup."
CLOSED_TOLD = "Tiket %(number)s ditutup; warga diberi tahu alasannya."
CLOSED_TOLD_HELD = (
    "Tiket %(number)s ditutup; warga tidak diberi tahu karena sudah meminta berhenti menerima "
    "pesan (STOP)."
)
CLOSED_SILENT = "Tiket %(number)s ditutup tanpa pemberitahuan ke warga."
ALREADY_CLOSED = "Tiket %(number)s sudah ditutup."
CLAIMED = "Tiket %(number)s sekarang ditangani %(name)s."
CLAIM_CLOSED = "Tiket yang sudah ditutup tidak dapat diambil."
NO_TRANSFER_REASON = "Tuliskan alasan pengalihan."
NO_TARGET = "Pilih unit tujuan yang lain dan aktif."
TRANSFER_CLOSED = "Tiket yang sudah ditutup tidak dapat dialihkan."
ESCALATED = "Tiket %(number)s dieskalasi ke komite."
ESCALATE_CLOSED = "Tiket yang sudah ditutup tidak dapat dieskalasi ke komite; buka kembali dahulu."
STILL_OPEN = "Tiket %(number)s masih terbuka."
NO_REOPEN_REASON = "Tuliskan alasan membuka kembali tiket."
REOPENED = "Tiket %(number)s dibuka kembali."
UNKNOWN_PRIORITY = "Prioritas tidak dikenal."
PRIORITY_CHANGED = "Prioritas tiket %(number)s diubah."
EMPTY_NOTE = "Catatan kosong tidak disimpan."
NOTE_SAVED = "Catatan internal disimpan."
NO_SUCH_MESSAGE = "Pesan tidak ditemukan pada tiket ini."
CLOSED_NO_MESSAGES = "Tiket yang sudah ditutup tidak dapat dikirimi pesan."
NOT_RESENT_OTHER = "Pesan tidak dapat dikirim ulang."


def _field(name: str, limit: int = REASON_MAX) -> str:
    return request.form.get(name, "").replace("\r\n", "\n").strip()[:limit]


def _back(number: str, text: str, category: str = "ok", /, **params: str) -> ResponseReturnValue:
    """Back to the ticket with `text` (a constant, translated here) filled with `params`."""
    flash(tr(text) % params if params else tr(text), category)
    return redirect(url_for("admin.ticket", number=number), 303)


@bp.post("/tickets/<number>/claim")
def claim(number: str) -> ResponseReturnValue:
    """Take the ticket on; a closed one is not taken (nothing is left to do on it)."""
    rt, staff = runtime(), me()
    with session_scope(rt.engine) as db:
        ticket = locked_ticket(db, number)  # closed meanwhile: not assigned to anyone any more
        if ticket.status is TicketStatus.CLOSED:
            return _back(number, CLAIM_CLOSED, "error")
        tickets.claim(db, ticket, staff_id=staff.id, now=rt.now(), actor=staff.username)
    return _back(number, CLAIMED, number=number, name=staff.full_name or staff.username)


@bp.post("/tickets/<number>/transfer")
def transfer(number: str) -> ResponseReturnValue:
    """Send the ticket to another unit; the citizen hears of it with the new deadline.

    An officer who sends it to a unit they do not serve loses sight of it: the page they come back
    to is the inbox (with the notice), not a 403 on the ticket they just handed over."""
    rt, code, reason, staff = runtime(), _field("unit", 20).upper(), _field("reason"), me()
    with session_scope(rt.engine) as db:
        ticket = locked_ticket(db, number)  # closed meanwhile: the citizen is not told
        if not reason:
            return _back(number, NO_TRANSFER_REASON, "error")
        target = repo.unit_by_code(db, code)
        if target is None or not target.active or target.id == ticket.unit_id:
            return _back(number, NO_TARGET, "error")
        if ticket.status is TicketStatus.CLOSED:
            return _back(number, TRANSFER_CLOSED, "error")
        notice = tickets.transfer(
            db, ticket, target, reason=reason, now=rt.now(), desk=rt.desk, actor=staff.username
        )
        held = queries.held_back(db, notice)
        stays = queries.may_open(db, staff, ticket, target.code)
    rt.kick_delivery()
    said = TRANSFERRED_HELD if held else TRANSFERRED
    if stays:
        return _back(number, said, "info" if held else "ok", number=number, unit=code)
    flash(tr(said) % {"number": number, "unit": code}, "info" if held else "ok")
    return redirect(url_for("admin.inbox"), 303)


@bp.post("/tickets/<number>/escalate")
def escalate(number: str) -> ResponseReturnValue:
    """Put the ticket before the committee; a closed one is reopened first (nothing is pending)."""
    rt, note = runtime(), _field("reason")
    with session_scope(rt.engine) as db:
        ticket = locked_ticket(db, number)  # closed meanwhile: the committee is not called in
        if ticket.status is TicketStatus.CLOSED:
            return _back(number, ESCALATE_CLOSED, "error")
        found = committee.escalate(db, ticket, reason="officer", now=rt.now(), actor=me().username)
        if note and not found.note:
            found.note = note
    return _back(number, ESCALATED, number=number)


ETHICS_SENT = (
    "Tiket %(number)s diteruskan ke komite sebagai dugaan pelanggaran etika; warga sudah diberi "
    "tahu. Unit tidak lagi melihat tiket ini."
)
ETHICS_SENT_HELD = (
    "Tiket %(number)s diteruskan ke komite sebagai dugaan pelanggaran etika; warga tidak diberi "
    "tahu karena sudah meminta berhenti menerima pesan (STOP). Unit tidak lagi melihat tiket ini."
)
ETHICS_NO_REASON = "Tuliskan alasan: mengapa aduan ini pelanggaran etika?"
ETHICS_ALREADY = "Tiket %(number)s sudah ditangani komite sebagai aduan etik."
ETHICS_CLOSED = "Tiket yang sudah ditutup tidak dapat diteruskan ke komite; buka kembali dahulu."


@bp.post("/tickets/<number>/ethics")
def ethics(number: str) -> ResponseReturnValue:
    """Send the ticket to the committee as an ethics case ("officer decision", DESIGN §7).

    The officer loses sight of it, as the unit does of any ethics ticket: the page they come back to
    is the inbox, unless they may still open the ticket (admin, committee)."""
    rt, reason, staff = runtime(), _field("reason"), me()
    with session_scope(rt.engine) as db:
        # the flag as it is now: two officers sending it at once, the second finds it sent
        ticket = locked_ticket(db, number)
        if not reason:
            return _back(number, ETHICS_NO_REASON, "error")
        if ticket.ethics:
            return _back(number, ETHICS_ALREADY, "info", number=number)
        if ticket.status is TicketStatus.CLOSED:
            return _back(number, ETHICS_CLOSED, "error")
        notice = tickets.flag_ethics(
            db, ticket, reason=reason, now=rt.now(), desk=rt.desk, actor=staff.username
        )
        held = queries.held_back(db, notice)
        unit = db.get(Unit, ticket.unit_id)
        stays = unit is not None and queries.can_see(staff, ticket, unit.code, escalated=True)
    rt.kick_delivery()
    flash(
        tr(ETHICS_SENT_HELD if held else ETHICS_SENT) % {"number": number}, "info" if held else "ok"
    )
    if stays:
        return redirect(url_for("admin.ticket", number=number), 303)
    return redirect(url_for("admin.inbox"), 303)


@bp.post("/tickets/<number>/close")
def close(number: str) -> ResponseReturnValue:
    """Resolve and close. A ticket still awaiting its answer needs a reason, and the citizen is told
    it unless the officer ticks "tanpa pemberitahuan" (a duplicate or spam)."""
    rt, reason, silent = runtime(), _field("reason"), request.form.get("silent") == "1"
    with session_scope(rt.engine) as db:
        ticket = locked_ticket(db, number)  # two officers closing at once: one notice
        if ticket.status is TicketStatus.CLOSED:
            return _back(number, ALREADY_CLOSED, "info", number=number)
        unanswered = tickets.awaits_answer(ticket)
        if unanswered and not reason:
            return _back(number, CLOSE_NEEDS_REASON, "error")
        notice = tickets.close(
            db,
            ticket,
            now=rt.now(),
            desk=rt.desk,
            actor=me().username,
            reason=reason,
            tell=not silent,
        )
        held = notice is not None and queries.held_back(db, notice)
    if notice is None:
        said = CLOSED_SILENT if unanswered else CLOSED
    else:
        rt.kick_delivery()
        said = CLOSED_TOLD_HELD if held else CLOSED_TOLD
    return _back(number, said, "info" if held else "ok", number=number)


@bp.post("/tickets/<number>/reopen")
def reopen(number: str) -> ResponseReturnValue:
    """Open a resolved or closed ticket again; why is required (DESIGN §4: who, when and why)."""
    rt, reason = runtime(), _field("reason")
    with session_scope(rt.engine) as db:
        ticket = locked_ticket(db, number)  # the citizen's TIDAK reopening it meanwhile
        if ticket.anonymised_at is not None:  # retention would never scrub it again
            return _back(number, ANONYMISED, "error")
        if ticket.status is TicketStatus.OPEN:
            return _back(number, STILL_OPEN, "info", number=number)
        if not reason:
            return _back(number, NO_REOPEN_REASON, "error")
        tickets.reopen(db, ticket, now=rt.now(), desk=rt.desk, actor=me().username, reason=reason)
    return _back(number, REOPENED, number=number)


@bp.post("/tickets/<number>/priority")
def priority(number: str) -> ResponseReturnValue:
    """Change the ticket's priority, with an optional reason (the deadline moves with it). A closed
    ticket's may change too (a correction for the record)."""
    rt, value, reason = runtime(), _field("priority", 10), _field("reason")
    with session_scope(rt.engine) as db:
        # the deadline moves from the one the citizen's reopen just set, not the one read before
        ticket = locked_ticket(db, number)
        if ticket.anonymised_at is not None:  # its reason would be kept for good
            return _back(number, ANONYMISED, "error")
        if value not in set(Priority):
            return _back(number, UNKNOWN_PRIORITY, "error")
        tickets.set_priority(
            db,
            ticket,
            Priority(value),
            now=rt.now(),
            desk=rt.desk,
            actor=me().username,
            reason=reason,
        )
    return _back(number, PRIORITY_CHANGED, number=number)


@bp.post("/tickets/<number>/note")
def note(number: str) -> ResponseReturnValue:
    """An internal note: never sent to the citizen; allowed on a closed ticket too."""
    rt, body = runtime(), _field("body", 2000)
    with session_scope(rt.engine) as db:
        ticket = locked_ticket(db, number)  # after the lock: not scrubbed, still theirs
        if ticket.anonymised_at is not None:
            return _back(number, ANONYMISED, "error")
        if not body:
            return _back(number, EMPTY_NOTE, "error")
        tickets.add_note(db, ticket, body, now=rt.now(), actor=me().username)
    return _back(number, NOTE_SAVED)


@bp.post("/tickets/<number>/analysis")
def analyse(number: str) -> ResponseReturnValue:
    """SOP step 3: the problem, the regulations that apply and the recommended solution. Saved
    again, it keeps the first save's time (what the recap measures) and audits the change."""
    rt, staff = runtime(), me()
    texts = {key: _field(key, ANALYSIS_MAX) for key in analysis.FIELDS}
    with session_scope(rt.engine) as db:
        ticket = locked_ticket(db, number)  # after the lock: not scrubbed, still theirs
        if ticket.anonymised_at is not None:
            return _back(number, ANONYMISED, "error")
        if not all(texts[key] for key in analysis.REQUIRED):
            return _back(number, ANALYSIS_INCOMPLETE, "error")
        changed = analysis.save(db, ticket, texts, now=rt.now(), actor=staff.username)
    if changed:
        return _back(number, ANALYSIS_SAVED, number=number)
    return _back(number, ANALYSIS_UNCHANGED, "info", number=number)


@bp.post(f"/tickets/<number>/messages/<{ID}:message_id>/resend")
def resend(number: str, message_id: int) -> ResponseReturnValue:
    """Send a message that failed for good again, word for word ("Kirim ulang")."""
    rt = runtime()
    with session_scope(rt.engine) as db:
        ticket = locked_ticket(db, number)  # transferred or sent to the committee meanwhile
        message = db.get(Message, message_id)
        if message is None or message.ticket_id != ticket.id:
            return _back(number, NO_SUCH_MESSAGE, "error")
        if ticket.status is TicketStatus.CLOSED:
            return _back(number, CLOSED_NO_MESSAGES, "error")
        try:
            tickets.resend(db, ticket, message, now=rt.now(), actor=me().username)
        except ValueError as exc:
            return _back(number, NOT_RESENT.get(str(exc), NOT_RESENT_OTHER), "info")
    rt.kick_delivery()
    return _back(number, RESENT)

"""The admin's forms: approve or reject a draft, answer freely.

Each is one transaction through bot.service with the officer's username as the actor; what it queued is
sent after the commit (kick_delivery), and the officer is sent back with a message (POST/redirect/GET).
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session

from admin import ID, bp, display, queries
from admin.auth import me
from admin.i18n import say, tr
from admin.views import local_zone, locked_ticket, runtime, visible_ticket
from bot import jobs, service, tickets
from bot.messages import DraftStatus, TicketStatus
from bot.problems import Problem
from store.db import session_scope
from store.models import Draft, Ticket

CLOSED = "Tiket %(number)s sudah ditutup; tidak ada jawaban yang dikirim."
EMPTY = "Teks jawaban tidak boleh kosong."
TOO_LONG = "Teks jawaban terlalu panjang (%(length)d karakter, maksimal %(limit)d)."
DECIDED = "Draf ini sudah %(status)s oleh %(actor)s (%(when)s); tidak dikirim lagi."
REJECTED = "Draf untuk tiket %(number)s ditolak."
REPEATED = "Jawaban ini sudah dikirim untuk tiket %(number)s."
APPROVED = "Jawaban tiket %(number)s disetujui dan dikirim ke warga."
SENT = "Jawaban tiket %(number)s dikirim ke warga."
# the citizen sent STOP: the answer is on the ticket, but nothing went to their phone
APPROVED_HELD = (
    "Jawaban tiket %(number)s disetujui dan disimpan, tetapi tidak dikirim: warga sudah meminta "
    "berhenti menerima pesan (STOP)."
)
SENT_HELD = (
    "Jawaban tiket %(number)s disimpan, tetapi tidak dikirim: warga sudah meminta berhenti "
    "menerima pesan (STOP)."
)


def _text(raw: str | None) -> str | None:
    """The answer as typed, with browser line endings undone; None when the field was not sent."""
    return None if raw is None else raw.replace("\r\n", "\n").strip()


def _invalid(text: str) -> Problem | None:
    limit = runtime().desk.config.app.max_message_chars
    if not text:
        return Problem(EMPTY)
    if len(text) > limit:
        return Problem(TOO_LONG, {"length": len(text), "limit": limit})
    return None


def _back(number: str) -> ResponseReturnValue:
    """Back to the queue when the form came from there, otherwise to the ticket."""
    if request.form.get("next") == "drafts":
        return redirect(url_for("admin.drafts"), 303)
    return redirect(url_for("admin.ticket", number=number), 303)


def _draft(db: Session, ticket: Ticket, draft_id: int) -> Draft:
    draft = queries.locked_draft(db, draft_id)
    if draft is None or draft.ticket_id != ticket.id:
        abort(404)
    return draft


def _already_decided(draft: Draft) -> Problem | None:
    if draft.status is DraftStatus.PENDING:
        return None
    when = display.local_time(draft.decided_at, local_zone())
    # the status word is translated with the sentence: "approved", not "disetujui", in English
    status = Problem(display.DRAFT_DECIDED[draft.status])
    return Problem(DECIDED, {"status": status, "actor": draft.decided_by, "when": when})


@bp.post(f"/tickets/<number>/drafts/<{ID}:draft_id>/approve")
def approve(number: str, draft_id: int) -> ResponseReturnValue:
    """Send the draft (as is, or as edited in the form) to the citizen, exactly once."""
    rt, actor, text = runtime(), me().username, _text(request.form.get("body"))
    if text is not None and (problem := _invalid(text)):
        flash(say(problem), "error")
        return _back(number)
    with session_scope(rt.engine) as db:
        ticket = locked_ticket(db, number)
        draft = _draft(db, ticket, draft_id)
        problem = _already_decided(draft)
        if problem is None and ticket.status is TicketStatus.CLOSED:
            problem = Problem(CLOSED, {"number": number})
        if problem is None and (why := service.draft_stale(db, ticket, draft)):
            problem = Problem(display.DRAFT_STALE[why])
        held = False
        if problem is None:
            edited = None if text is None or text == draft.body.strip() else text
            sent = service.approve_draft(
                db, draft, now=rt.now(), desk=rt.desk, actor=actor, body=edited
            )
            queries.count_use(db, draft.answer_id)
            held = queries.held_back(db, sent)
    if problem:
        flash(say(problem), "error")
        return _back(number)
    rt.kick_delivery()
    if held:
        flash(tr(APPROVED_HELD) % {"number": number}, "info")
    else:
        flash(tr(APPROVED) % {"number": number}, "ok")
    return _back(number)


@bp.post(f"/tickets/<number>/drafts/<{ID}:draft_id>/reject")
def reject(number: str, draft_id: int) -> ResponseReturnValue:
    """Turn the draft down; nothing goes to the citizen."""
    rt, actor = runtime(), me().username
    reason = request.form.get("reason", "").strip()[:200]
    with session_scope(rt.engine) as db:
        ticket, _, _ = visible_ticket(db, number)
        draft = _draft(db, ticket, draft_id)
        problem = _already_decided(draft)
        if problem is None:
            queries.reject_draft(db, draft, now=rt.now(), actor=actor, reason=reason)
    if problem:
        flash(say(problem), "error")
    else:
        flash(tr(REJECTED) % {"number": number}, "ok")
    return _back(number)


@bp.post("/tickets/<number>/reply")
def reply(number: str) -> ResponseReturnValue:
    """An answer in the officer's own words."""
    rt, actor, text = runtime(), me().username, _text(request.form.get("body")) or ""
    if problem := _invalid(text):
        flash(say(problem), "error")
        return _back(number)
    nonce = (request.form.get("nonce") or "")[:64]
    with session_scope(rt.engine) as db:
        ticket = locked_ticket(db, number)
        closed = ticket.status is TicketStatus.CLOSED
        repeated = bool(nonce) and not jobs.once(db, f"reply:{nonce}", rt.now())
        held = False
        if not closed and not repeated:
            sent = tickets.reply(db, ticket, text, now=rt.now(), desk=rt.desk, actor=actor)
            held = queries.held_back(db, sent)
    if closed:
        flash(tr(CLOSED) % {"number": number}, "error")
        return _back(number)
    if repeated:
        flash(tr(REPEATED) % {"number": number}, "info")
        return _back(number)
    rt.kick_delivery()
    if held:
        flash(tr(SENT_HELD) % {"number": number}, "info")
    else:
        flash(tr(SENT) % {"number": number}, "ok")
    return _back(number)

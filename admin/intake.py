"""Walk-in and telephone complaints: the officer types what the citizen said, with their phone number.

The complaint goes through bot.service exactly like an inbound SMS from that number (same parsing,
ticket, draft and replies), on an SMS channel, so the acknowledgement and the answer reach the citizen's
phone. Which channel: the officer picks one of the enabled SMS channels (kannel, gammu, twilio),
the first one by default; the simulator is offered when it is enabled (demo).

Without a unit, the complaint is added to the citizen's latest open ticket that the officer may open
(sent to the bot with that ticket's unit code); when there is none, the officer is asked to choose a
unit. The officer is never taken to, or told the number of, a ticket they may not open: the bot alone
would add uncoded text to the citizen's latest open ticket whatever it is, even an ethics one.
"""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from admin import bp, queries
from admin.access import STAFF, roles
from admin.auth import me
from admin.i18n import tr
from admin.views import runtime
from bot.messages import DESK_PROVIDER_PREFIX, InboundMessage
from bot.parsers.phone import PhoneError, normalize_phone
from store import repo
from store.db import read_session, session_scope

SMS_CHANNELS = ("kannel", "gammu", "twilio", "simulator")
CHOOSE_UNIT = (
    "Pilih unit untuk aduan ini: tanpa unit, aduan hanya ditambahkan ke tiket terbuka warga "
    "yang dapat Anda buka."
)
FILED = "Aduan dicatat sebagai tiket %(number)s; warga menerima SMS tanda terima."
FILED_ELSEWHERE = "Aduan dicatat; warga menerima SMS tanda terima berisi nomor tiketnya."
# the citizen sent STOP earlier: the complaint is filed, but nothing goes to their phone
FILED_MUTED = (
    "Aduan dicatat sebagai tiket %(number)s. Warga ini pernah mengirim STOP: tidak ada SMS yang "
    "dikirim kepadanya."
)
FILED_ELSEWHERE_MUTED = (
    "Aduan dicatat. Warga ini pernah mengirim STOP: tidak ada SMS yang dikirim kepadanya."
)


def intake_channels() -> list[str]:
    """The enabled channels a typed-in complaint may be answered on, SMS gateways first."""
    return [c for c in SMS_CHANNELS if c in runtime().channels]


@bp.route("/intake", methods=["GET", "POST"])
@roles(*STAFF)
def intake() -> ResponseReturnValue:
    """The intake form; on POST the complaint is filed as if the citizen had sent it."""
    rt, channels = runtime(), intake_channels()
    with read_session(rt.engine) as db:
        units = repo.active_units(db)
    page = {"units": units, "channels": channels, "form": request.form}
    if request.method == "GET":
        return render_template("admin/intake.html", **page)
    f = request.form
    text, code, channel = (
        f.get("text", "").strip(),
        f.get("unit", "").strip().upper(),
        f.get("channel", ""),
    )
    try:
        phone = normalize_phone(f.get("phone", ""))
    except PhoneError:
        phone = ""
    problem = (
        "Nomor HP warga tidak sah."
        if not phone
        else "Isi aduan tidak boleh kosong."
        if not text
        else "Pilih saluran SMS yang aktif."
        if channel not in channels
        else "Unit tidak dikenal."
        if code and code not in {u.code for u in units}
        else ""
    )
    if not problem and not code:
        with read_session(rt.engine) as db:
            target = queries.intake_target(db, me(), phone, text)
        code = target[1].code if target else ""
        problem = "" if target else tr(CHOOSE_UNIT)
    if problem:
        flash(problem, "error")
        return render_template("admin/intake.html", **page), 400
    body = f"{code} #{text}"
    msg = InboundMessage(
        channel,
        phone,
        body,
        provider_id=f"{DESK_PROVIDER_PREFIX}{uuid.uuid4().hex}",
        phone=phone,
        name=f.get("name", "").strip()[:80],
        from_desk=True,
    )
    outcome = rt.receive(msg, inline=False)
    with session_scope(rt.engine) as db:
        found = queries.ticket_by_number(db, outcome.ticket) if outcome.ticket else None
        ticket = found[0] if found else None
        shown = found is not None and queries.may_open(db, me(), found[0], found[1].code)
        replies = repo.replies_to(db, outcome.message_id) if outcome.message_id else []
        muted = any(queries.held_back(db, m) for m in replies)  # the citizen sent STOP earlier
        repo.audit(
            db,
            actor=me().username,
            action="ticket.intake",
            entity="message",
            entity_id=outcome.message_id,
            ticket_id=ticket.id if ticket else None,
            now=rt.now(),
            after={"channel": channel, "ticket": outcome.ticket, "via": f.get("via", "walk-in")},
        )
    if outcome.ticket and shown:
        flash(tr(FILED_MUTED if muted else FILED) % {"number": outcome.ticket}, "ok")
        return redirect(url_for("admin.ticket", number=outcome.ticket), 303)
    if outcome.ticket:
        # a ticket this officer may not open (another unit's, or an ethics ticket, when the complaint
        # itself names a breach): neither its number nor the way to it
        flash(tr(FILED_ELSEWHERE_MUTED if muted else FILED_ELSEWHERE), "ok")
        return redirect(url_for("admin.intake"), 303)
    # the bot's replies went to the citizen's phone; they are not shown here (they could list the
    # citizen's other tickets, which this officer may not be allowed to see)
    flash(
        "Pesan diteruskan ke bot, tetapi belum menjadi tiket (mis. unit belum jelas); "
        "balasan bot dikirim ke HP warga.",
        "info",
    )
    return redirect(url_for("admin.intake"), 303)

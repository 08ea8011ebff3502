"""Walk-in and telephone complaints: the officer types what the citizen said, with their phone number.

The complaint goes through bot.service exactly like an inbound SMS from that number (same parsing,
ticket, draft and replies), so the acknowledgement and the answer reach the citizen's phone. Which
channel: the officer picks one of the enabled SMS channels (kannel, gammu, twilio), the first one by
default, or WhatsApp (through Twilio, or the Cloud API) where it can reach a citizen who has not
written: WhatsApp lets a business start a conversation, or speak 24 hours after the citizen last
wrote, only with an approved template, so a WhatsApp channel is offered only when its template is
configured (the form says why it is missing otherwise). The officer's typing does not open the
window (bot.delivery). The simulator is offered when it is enabled (demo).

Without a unit, the complaint is added to the citizen's latest open ticket that the officer may open
(sent to the bot with that ticket's unit code); when there is none, the officer is asked to choose a
unit. The officer is never taken to, or told the number of, a ticket they may not open: the bot alone
would add uncoded text to the citizen's latest open ticket whatever it is, even an ethics one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from admin import bp, queries
from admin.access import STAFF, roles
from admin.auth import me
from admin.i18n import tr
from admin.views import runtime
from bot.channels.twilio.form import WA
from bot.config import ChannelsConfig
from bot.messages import DESK_ID_PREFIX, InboundMessage
from bot.parsers.phone import PhoneError, normalize_phone
from store import repo
from store.db import read_session, session_scope

SMS_CHANNELS = ("kannel", "gammu", "twilio", "simulator")


@dataclass(frozen=True)
class Route:
    """A way back to the citizen's phone the officer may pick: the form's value, the channel, and
    whether the address is the phone as it is or Twilio's `whatsapp:` form of it."""

    value: str
    channel: str
    label: str
    whatsapp: bool = False

    def address(self, phone: str) -> str:
        return WA + phone if self.whatsapp and self.channel == "twilio" else phone


TWILIO_WA = Route("twilio-wa", "twilio", "WhatsApp (twilio)", whatsapp=True)
CLOUD_WA = Route("whatsapp", "whatsapp", "WhatsApp (Cloud API)", whatsapp=True)
NO_WA_TEMPLATE = (
    "WhatsApp tidak ditawarkan: %(channels)s belum punya template yang disetujui. WhatsApp hanya "
    "mengizinkan pesan bebas 24 jam setelah warga menulis; di luar itu hanya template."
)
CHOOSE_UNIT = (
    "Pilih unit untuk aduan ini: tanpa unit, aduan hanya ditambahkan ke tiket terbuka warga "
    "yang dapat Anda buka."
)
NO_ROUTE = "Pilih saluran jawaban yang aktif."
BAD_PHONE = "Nomor HP warga tidak sah."
NO_TEXT = "Isi aduan tidak boleh kosong."
UNKNOWN_UNIT = "Unit tidak dikenal."
NOT_A_TICKET = (
    "Pesan diteruskan ke bot, tetapi belum menjadi tiket (mis. unit belum jelas); balasan bot "
    "dikirim ke HP warga."
)
FILED = "Aduan dicatat sebagai tiket %(number)s; warga menerima tanda terima lewat %(via)s."
FILED_ELSEWHERE = "Aduan dicatat; warga menerima tanda terima berisi nomor tiketnya lewat %(via)s."
# the citizen sent STOP earlier: the complaint is filed, but nothing goes to their phone
FILED_MUTED = (
    "Aduan dicatat sebagai tiket %(number)s. Warga ini pernah mengirim STOP: tidak ada pesan "
    "%(via)s yang dikirim kepadanya."
)
FILED_ELSEWHERE_MUTED = (
    "Aduan dicatat. Warga ini pernah mengirim STOP: tidak ada pesan %(via)s yang dikirim kepadanya."
)


def intake_routes() -> list[Route]:
    """The ways a typed-in complaint may be answered: the enabled SMS gateways first, then the
    WhatsApp channels whose approved template can start the conversation."""
    enabled, cfg = runtime().channels, runtime().desk.config.channels
    sms = [
        Route(c, c, c if c == "simulator" else f"SMS ({c})") for c in SMS_CHANNELS if c in enabled
    ]
    return sms + [r for r in (TWILIO_WA, CLOUD_WA) if r.channel in enabled and _template(cfg, r)]


def _template(cfg: ChannelsConfig, route: Route) -> bool:
    """Whether the WhatsApp route can write first: a sender and an approved template."""
    if route is TWILIO_WA:
        return bool(cfg.twilio.whatsapp_from and cfg.twilio.whatsapp_template_sid)
    return bool(cfg.whatsapp.template_name)


def missing_templates() -> str:
    """Why an enabled WhatsApp channel is not offered ("" when none is left out)."""
    enabled, cfg = runtime().channels, runtime().desk.config.channels
    left_out = [
        r.label for r in (TWILIO_WA, CLOUD_WA) if r.channel in enabled and not _template(cfg, r)
    ]
    if TWILIO_WA.label in left_out and not cfg.twilio.whatsapp_from:
        left_out.remove(TWILIO_WA.label)  # Twilio used for SMS only: nothing to explain
    return tr(NO_WA_TEMPLATE) % {"channels": ", ".join(left_out)} if left_out else ""


@bp.route("/intake", methods=["GET", "POST"])
@roles(*STAFF)
def intake() -> ResponseReturnValue:
    """The intake form; on POST the complaint is filed as if the citizen had sent it."""
    rt, routes = runtime(), {r.value: r for r in intake_routes()}
    with read_session(rt.engine) as db:
        units = repo.active_units(db)
    page = {
        "units": units,
        "routes": list(routes.values()),
        "missing": missing_templates(),
        "form": request.form,
    }
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
        BAD_PHONE
        if not phone
        else NO_TEXT
        if not text
        else NO_ROUTE
        if channel not in routes
        else UNKNOWN_UNIT
        if code and code not in {u.code for u in units}
        else ""
    )
    if not problem and not code:
        with read_session(rt.engine) as db:
            target = queries.intake_target(db, me(), phone, text)
        code = target[1].code if target else ""
        problem = "" if target else CHOOSE_UNIT
    if problem:
        flash(tr(problem), "error")
        return render_template("admin/intake.html", **page), 400
    body, route = f"{code} #{text}", routes[channel]
    msg = InboundMessage(
        route.channel,
        route.address(phone),
        body,
        provider_id=f"{DESK_ID_PREFIX}{uuid.uuid4().hex}",
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
    via = "WhatsApp" if route.whatsapp else "SMS"
    if outcome.ticket and shown:
        filed = tr(FILED_MUTED if muted else FILED)
        flash(filed % {"number": outcome.ticket, "via": via}, "ok")
        return redirect(url_for("admin.ticket", number=outcome.ticket), 303)
    if outcome.ticket:
        # a ticket this officer may not open (another unit's, or an ethics ticket, when the complaint
        # itself names a breach): neither its number nor the way to it
        flash(tr(FILED_ELSEWHERE_MUTED if muted else FILED_ELSEWHERE) % {"via": via}, "ok")
        return redirect(url_for("admin.intake"), 303)
    # the bot's replies went to the citizen's phone; they are not shown here (they could list the
    # citizen's other tickets, which this officer may not be allowed to see)
    flash(tr(NOT_A_TICKET), "info")
    return redirect(url_for("admin.intake"), 303)

"""*Tampilkan nomor*: the citizen's full phone number on one ticket page, so the desk can phone them.

Everywhere else the number stays masked. Each reveal is one audit line (who, when, which ticket), and
the number itself is never written to the audit log or the application log. The number is not put in
the (client-side) session cookie either: only the ticket number and a one-time token are. The next
view of that ticket page claims the token in the database (`repo.once`) before it reads the phone, so
a replayed cookie shows nothing: one audit line, one view.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, session, url_for
from flask.typing import ResponseReturnValue

from admin import bp
from admin.auth import me
from admin.i18n import tr
from admin.views import REVEAL, may_reveal, runtime, visible_ticket
from store import repo
from store.db import session_scope

NO_PHONE = "Nomor telepon warga tidak diketahui (mis. Telegram tanpa nomor)."


@bp.post("/tickets/<number>/phone")
def reveal_phone(number: str) -> ResponseReturnValue:
    """Record the request, then show the full number on the ticket page once (POST/redirect/GET)."""
    rt, staff = runtime(), me()
    with session_scope(rt.engine) as db:
        ticket, _, contact = visible_ticket(db, number)
        if not may_reveal(ticket):
            abort(403)  # a confidential ticket hides the citizen's identity from the unit
        if not contact.phone:
            flash(tr(NO_PHONE), "error")
            return redirect(url_for("admin.ticket", number=number), 303)
        repo.audit_ticket(db, ticket, "ticket.phone_reveal", actor=staff.username, now=rt.now())
    session[REVEAL] = f"{number}:{uuid.uuid4().hex}"
    return redirect(url_for("admin.ticket", number=number), 303)

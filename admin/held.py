"""Pesan tertahan: queued-intake messages set aside after failing (bot.inbox), with "Coba lagi".

Only the roles that see every ticket (queries.FULL_VIEW, today the admin, as on the settings
pages) open it: a message the bot never understood has no unit yet and may be an ethics complaint
about an officer, so no unit's officers may read it. The committee is left out too: it sees only
ethics and escalated tickets, and nobody has judged these messages yet. The sender is masked as on
the ticket pages; the text is shown whole (autoescaped), since the admin must judge it.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from admin import ID, bp, display, queries
from admin.access import roles
from admin.auth import me
from admin.i18n import tr
from admin.views import runtime
from bot import inbox
from store import repo
from store.db import session_scope

LIMIT = 100  # rows on the page; the heading gives the total
RETRIED = "Pesan dikembalikan ke antrean; bot akan memprosesnya sebentar lagi."
NOT_HELD = "Pesan ini sudah tidak tertahan (sudah diproses atau dihapus); tidak ada yang diubah."


def _held_count() -> int | None:
    """For the navigation: how many are set aside, or None when the viewer may not see them."""
    if me().role not in queries.FULL_VIEW:
        return None
    return inbox.held_count(runtime().engine)


@bp.context_processor
def _nav() -> dict[str, Any]:
    return {"held_count": _held_count}


@bp.get("/held")
@roles(*queries.FULL_VIEW)
def held() -> ResponseReturnValue:
    """The set-aside messages, the latest received first; works whether intake is queued or not."""
    engine = runtime().engine
    return render_template(
        "admin/held.html",
        rows=inbox.held(engine, limit=LIMIT),
        total=inbox.held_count(engine),
        sender=display.inbox_sender,
    )


@bp.post(f"/held/<{ID}:row_id>/retry")
@roles(*queries.FULL_VIEW)
def retry_held(row_id: int) -> ResponseReturnValue:
    """Put the message back in the queue and audit it (channel and error, never the text)."""
    rt = runtime()
    row = inbox.retry(rt.engine, row_id, clock=rt.clock)
    if row is None:
        flash(tr(NOT_HELD), "info")
        return redirect(url_for("admin.held"), 303)
    with session_scope(rt.engine) as db:
        repo.audit(
            db,
            actor=me().username,
            action="inbox.retry",
            entity="inbox",
            entity_id=row_id,
            now=rt.now(),
            before={"channel": row.channel, "attempts": row.attempts, "error": row.error},
            after={"attempts": 0, "error": ""},
        )
    flash(tr(RETRIED), "ok")
    return redirect(url_for("admin.held"), 303)

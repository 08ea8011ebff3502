"""The officers' admin: a blueprint over the store. Login and CSRF are set up when it is registered."""

from __future__ import annotations

from flask import Blueprint

# A database id in a URL: a number that fits a 32-bit INTEGER column. A longer one is a 404, not an
# OverflowError (SQLite) or DataError (PostgreSQL) when it reaches the query.
MAX_ID = 2**31 - 1
ID = f"int(max={MAX_ID})"

bp = Blueprint(
    "admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static"
)

# The modules attach their routes, guards and the record_once setup to `bp`.
from admin import (  # noqa: E402,F401
    actions,
    attachments,
    auth,
    dashboard,
    held,
    intake,
    lexicon,
    library,
    recap,
    reveal,
    settings,
    ticket_ops,
    views,
)

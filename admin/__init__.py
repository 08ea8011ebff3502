"""The officers' admin: a blueprint over the store. Login and CSRF are set up when it is registered."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static"
)

# The modules attach their routes, guards and the record_once setup to `bp`.
from admin import (  # noqa: E402,F401
    actions,
    auth,
    dashboard,
    held,
    intake,
    library,
    recap,
    settings,
    ticket_ops,
    views,
)

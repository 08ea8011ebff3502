"""The officers' admin: a blueprint over the store. Login and CSRF are set up when it is registered."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

# The modules attach their routes, guards and the record_once setup to `bp`.
from admin import actions, auth, recap, views  # noqa: E402,F401

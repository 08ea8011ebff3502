"""Who may use which page: a role guard for views (the login itself is checked in admin.auth)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from bot.messages import Role

STAFF = (Role.ADMIN, Role.OFFICER)  # the desk: library, intake, approvals


def roles(*allowed: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only these roles may open the view; others get 403."""

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return wrap

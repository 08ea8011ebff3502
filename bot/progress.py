"""The citizen's progress link /t/<token>: a signed, expiring token for one ticket number. No Flask.

The token carries only the ticket number, signed with the app's secret (itsdangerous), so it cannot be
forged or guessed from another ticket's; the page it opens shows no personal data.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.config import Config

SALT = "aduan-progress"


def _signer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def make_token(secret: str, number: str) -> str:
    """A URL-safe signed token for the ticket number."""
    return _signer(secret).dumps(number)


def read_token(secret: str, token: str, *, max_age_days: int) -> str | None:
    """The ticket number in a valid, unexpired token; None otherwise."""
    try:
        number = _signer(secret).loads(token, max_age=max_age_days * 86400)
    except BadSignature:  # SignatureExpired is a BadSignature
        return None
    return number if isinstance(number, str) else None


def link_for(config: Config, secret: str, number: str) -> str:
    """The progress link for an acknowledgement, or "" when off (no base URL, no secret, disabled)."""
    if not (config.admin.progress_link and config.public_base_url and secret):
        return ""
    return f"{config.public_base_url}/t/{make_token(secret, number)}"

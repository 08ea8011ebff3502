"""Downloading a citizen's file from a provider: the part every adapter's `fetch_media` shares.

The adapters know the provider's API (Twilio's MediaUrl with Basic auth, Telegram's getFile, the
Graph API's media id); this module reads the bytes with a size cap and turns HTTP outcomes into
"try again later" or "give up". Errors carry a short reason code, never the URL: a Telegram file URL
holds the bot token and a Graph URL is a bearer link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

GONE_STATUSES = frozenset({400, 401, 403, 404, 410})  # expired, revoked or never there


@dataclass(frozen=True)
class Fetched:
    data: bytes
    content_type: str  # as the provider answered it ('' when it did not say)


class FetchFailed(Exception):
    """A file not fetched. `final` ones are not tried again (gone, too large, refused type)."""

    def __init__(self, reason: str, *, final: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.final = final


def too_large(size: Any, cap: int) -> bool:
    """True when a size the provider announced (bytes, int or text) is over the cap."""
    try:
        return int(size) > cap
    except (TypeError, ValueError):
        return False


def get_capped(http: httpx.Client, url: str, *, cap: int, **kwargs: Any) -> Fetched:
    """GET the file, following redirects (Twilio answers with a CDN location), reading at most
    `cap` bytes. httpx drops the Authorization header when a redirect leaves the origin, so the
    account's credentials never reach the CDN."""
    try:
        with http.stream("GET", url, follow_redirects=True, **kwargs) as resp:
            check_status(resp.status_code)
            if too_large(resp.headers.get("Content-Length"), cap):
                raise FetchFailed("too_large", final=True)
            data = bytearray()
            for chunk in resp.iter_bytes():
                data.extend(chunk)
                if len(data) > cap:
                    raise FetchFailed("too_large", final=True)
            return Fetched(bytes(data), resp.headers.get("Content-Type", ""))
    except httpx.HTTPError as exc:
        raise FetchFailed(f"network:{type(exc).__name__}", final=False) from None


def check_status(status: int) -> None:
    """Raise for a status that is not a success: 4xx (but 429) is final, 429 and 5xx are retried."""
    if status < 300:
        return
    if status in GONE_STATUSES or (400 <= status < 500 and status != 429):
        raise FetchFailed(f"http:{status}", final=True)
    raise FetchFailed(f"http:{status}", final=False)


def get_json(http: httpx.Client, url: str, **kwargs: Any) -> dict[str, Any]:
    """A provider's JSON description of a file (Telegram getFile, Graph media id)."""
    try:
        resp = http.get(url, **kwargs)
    except httpx.HTTPError as exc:
        raise FetchFailed(f"network:{type(exc).__name__}", final=False) from None
    check_status(resp.status_code)
    try:
        body = resp.json()
    except ValueError:
        raise FetchFailed("bad_answer", final=False) from None
    if not isinstance(body, dict):
        raise FetchFailed("bad_answer", final=False)
    return body

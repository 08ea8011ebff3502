"""The twilio library's HTTP hook over Aduan's httpx.Client, so tests fake Twilio at HTTP."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import httpx
from twilio.http import HttpClient
from twilio.http.response import Response

log = logging.getLogger(__name__)
TWILIO_API = "https://api.twilio.com"


class HttpxClient(HttpClient):
    """The twilio library's HTTP hook backed by Aduan's httpx.Client (tests fake it at HTTP)."""

    def __init__(self, http: httpx.Client, api_base: str = TWILIO_API) -> None:
        super().__init__(logger=log, is_async=False, timeout=None)
        self.http = http
        self.api_base = api_base.rstrip("/")

    def request(  # type: ignore[override]
        self,
        method: str,
        uri: str,
        params: Mapping[str, object] | None = None,
        data: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Send one Twilio REST request through httpx (to api_base instead of api.twilio.com)."""
        if self.api_base != TWILIO_API and uri.startswith(TWILIO_API):
            uri = self.api_base + uri[len(TWILIO_API) :]
        resp = self.http.request(
            method,
            uri,
            params=params,  # type: ignore[arg-type]
            data=data,  # type: ignore[arg-type]
            headers=headers,
            auth=auth,
            timeout=timeout or httpx.USE_CLIENT_DEFAULT,
            follow_redirects=allow_redirects,
        )
        return Response(resp.status_code, resp.text, resp.headers)

"""The small interface every channel adapter implements, and the HTTP-free request/response types."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.messages import InboundMessage, OutboundMessage, StatusUpdate


def media_kind(content_type: str) -> str:
    """A file's kind on a ticket (image, audio, video, document) from its MIME type."""
    major = content_type.split("/", 1)[0]
    return major if major in ("image", "audio", "video") else "document"


@dataclass(frozen=True)
class WebhookRequest:
    """What the webhook blueprint hands an adapter: never a Flask object."""

    method: str
    url: str  # the public URL the provider called (PUBLIC_BASE_URL applied)
    headers: Mapping[str, str] = field(default_factory=dict)
    args: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    remote_addr: str = ""


@dataclass(frozen=True)
class WebhookResponse:
    body: str = ""
    status: int = 200
    content_type: str = "text/plain; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)  # e.g. Kannel's X-Kannel-Coding


class Ignored(Exception):
    """A valid request with nothing to do: answered 200 so the provider does not retry."""


class Rejected(Exception):
    """A request we refuse: 403 for a bad or missing signature, 400 for a malformed body."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


class SendError(Exception):
    """A send that failed; permanent ones are not retried. `opted_out`: the provider says the
    recipient unsubscribed (Twilio 21610), so the contact is marked opted out. `sent`: the provider
    ids of the leading parts of a long message that went out before this failure (send_parts), so a
    retry sends only the rest."""

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool = False,
        opted_out: bool = False,
        sent: Sequence[str] = (),
    ) -> None:
        super().__init__(reason)
        self.permanent = permanent or opted_out
        self.opted_out = opted_out
        self.sent = tuple(sent)


class PartIds(str):
    """The provider id of a message sent in parts: the first part's id, which is what the outbox
    row and the message keep, with every part's id in `parts` (one receipt comes for each)."""

    parts: tuple[str, ...]

    def __new__(cls, parts: Sequence[str]) -> PartIds:
        self = super().__new__(cls, parts[0])
        self.parts = tuple(parts)
        return self


def part_ids(provider_id: str | None) -> tuple[str, ...]:
    """Every part's provider id; a plain id is a message of one part."""
    if provider_id is None:
        return ()
    return getattr(provider_id, "parts", None) or (provider_id,)


def send_parts(
    parts: Sequence[str], send_one: Callable[[int, str], str], *, sent: Sequence[str] = ()
) -> str:
    """Send the parts of one message in order; returns the first part's provider id, carrying
    all of them (PartIds) so that each part's receipt counts.

    `sent` are the ids of the leading parts an earlier attempt already sent (the outbox keeps them):
    those are not sent again. A failure once a part has gone out carries the ids sent so far
    (SendError.sent) and stays temporary or permanent as the provider's error was, so a 503 or a
    timeout on part 2 is retried from part 2 with back-off, like a message of one part."""
    ids = list(sent)
    for i, part in enumerate(parts):
        if i < len(ids):
            continue
        try:
            ids.append(send_one(i, part))
        except Exception as exc:
            if not ids:
                raise
            error = exc if isinstance(exc, SendError) else SendError(type(exc).__name__)
            why = f"part {i + 1}/{len(parts)} failed after the earlier parts were sent: {exc}"
            raise SendError(
                why, permanent=error.permanent, opted_out=error.opted_out, sent=ids
            ) from exc
    return PartIds(ids)


class Handshake(Exception):
    """A request the adapter answers itself, e.g. Meta's GET verification challenge."""

    def __init__(self, response: WebhookResponse) -> None:
        super().__init__(response.body)
        self.response = response


def header(req: WebhookRequest, name: str) -> str:
    """A request header by case-insensitive name, or ''."""
    wanted = name.lower()
    return next((v for k, v in req.headers.items() if k.lower() == wanted), "")


class Channel(Protocol):
    """A provider adapter. Optional attribute `statuses_inline = True`: the provider posts delivery
    statuses to the messages URL too (Meta), so the webhook applies parse_status there as well."""

    name: str
    inline_replies: bool  # replies travel in the webhook response (TwiML, Kannel body)
    # at most this many SMS segments in the response (0: no limit); the rest is sent as usual
    inline_max_segments: int

    def verify(self, req: WebhookRequest) -> None: ...

    def parse_inbound(self, req: WebhookRequest) -> list[InboundMessage]: ...

    def parse_status(self, req: WebhookRequest) -> list[StatusUpdate]: ...

    def ack(self, replies: Sequence[str]) -> WebhookResponse: ...

    def send(self, msg: OutboundMessage) -> str: ...

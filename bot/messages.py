"""Value types that cross layers: inbound and outbound messages, status updates, enums. Stdlib only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class TicketStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class DraftStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for the dispatcher
    INLINE = "inline"  # goes out in the webhook's own response (TwiML, Kannel body, simulator)
    SENDING = "sending"  # claimed by a dispatcher
    SENT = "sent"  # accepted by the provider
    DELIVERED = "delivered"  # delivery receipt seen
    FAILED = "failed"  # gave up after retries, or refused for good


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    COMMITTEE = "committee"


@dataclass(frozen=True)
class Media:
    """An attachment or a shared location on an inbound message."""

    kind: str  # image, document, audio, video, location, contact
    url: str = ""
    content_type: str = ""
    extra: dict[str, str] = field(default_factory=dict)


# The provider id of a complaint an officer typed in (admin intake). By it the stored message says
# that the citizen did not write (no WhatsApp 24-hour window opens, bot.delivery) and that the
# ticket came in at the desk, walk-in or telephone, whatever gateway replies (bot.report).
DESK_ID_PREFIX = "intake-"


@dataclass(frozen=True)
class InboundMessage:
    """A message from a citizen or staff member as a channel adapter understood it."""

    channel: str
    address: str  # where replies go on this channel: E.164 phone, Telegram chat id, ...
    text: str
    provider_id: str | None = None
    phone: str | None = None  # E.164 when the channel knows the phone number
    name: str = ""
    media: tuple[Media, ...] = ()
    received_at: datetime | None = None
    from_desk: bool = (
        False  # typed in by an officer (walk-in/telephone intake): never a staff command
    )


@dataclass(frozen=True)
class OutboundMessage:
    """One queued reply, as the delivery layer hands it to a channel's send()."""

    outbox_id: int
    channel: str
    address: str
    text: str
    last_inbound_at: datetime | None = None  # for WhatsApp's 24-hour customer-service window
    attempt_at: datetime | None = None  # when the dispatcher claimed it: "now" for the window check
    phone_known: bool = True  # False: the contact has no phone yet (Telegram offers to share it)
    attempt: int = 0  # the outbox row's attempt count when claimed (0: not from the outbox)
    # provider ids of the leading parts of a long message an earlier attempt already sent
    sent_parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery receipt from a provider."""

    channel: str
    provider_id: str
    status: OutboxStatus
    error: str = ""
    opted_out: bool = False  # the provider says the recipient unsubscribed (Twilio 21610)

"""SQLModel tables. Every datetime is stored as naive UTC and read back as aware UTC (UTCDateTime)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import JSON, Field, SQLModel

from bot.messages import Direction, DraftStatus, OutboxStatus, Priority, Role, TicketStatus


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in Python, naive UTC in the database: the same on SQLite and PostgreSQL."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class StrEnumType(TypeDecorator[StrEnum]):
    """A StrEnum stored as its plain string value and read back as the enum member."""

    impl = sa.String
    cache_ok = True

    def __init__(self, enum_cls: type[StrEnum], length: int = 12) -> None:
        super().__init__(length)
        self.enum_cls = enum_cls

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else self.enum_cls(value).value

    def process_result_value(self, value: str | None, dialect: Any) -> StrEnum | None:
        return None if value is None else self.enum_cls(value)


def _when(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


class Unit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=200)
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)
    description: str = ""
    sla_hours: float = 5.0
    # the unit's priority table (DESIGN §4): hours per priority; a priority left out takes
    # sla_hours times the [sla.priority] factor (bot.sla.target)
    priority_hours: dict[str, float] = Field(default_factory=dict, sa_type=JSON)
    questions: list[str] = Field(default_factory=list, sa_type=JSON)
    active: bool = True


class Contact(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    phone: str | None = Field(default=None, max_length=20, unique=True)
    name: str = ""
    language: str = Field(default="", max_length=5)
    opted_out: bool = False
    created_at: datetime = _when(nullable=False)


class ContactAddress(SQLModel, table=True):
    """A channel address (phone on SMS/WhatsApp, chat id on Telegram) that reaches a contact."""

    __table_args__ = (sa.UniqueConstraint("channel", "address", name="uq_contact_address"),)
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    channel: str = Field(max_length=20)
    address: str = Field(max_length=100)
    last_seen_at: datetime = _when(nullable=False)


class Ticket(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_ticket_contact_status", "contact_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=12, unique=True, index=True)
    contact_id: int = Field(foreign_key="contact.id")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    status: TicketStatus = Field(
        default=TicketStatus.OPEN, sa_type=StrEnumType(TicketStatus), index=True
    )
    priority: Priority = Field(default=Priority.NORMAL, sa_type=StrEnumType(Priority, 10))
    channel: str = Field(max_length=20)  # where the citizen wrote from: replies go back there
    address: str = Field(max_length=100)
    confidential: bool = False
    ethics: bool = False
    received_at: datetime = _when(nullable=False, index=True)
    first_answer_at: datetime | None = _when()
    due_at: datetime = _when(nullable=False, index=True)  # the answer now awaited is due then
    # the first answer's deadline, kept when a reopen moves due_at
    first_due_at: datetime | None = _when()
    resolved_at: datetime | None = _when()
    closed_at: datetime | None = _when()
    updated_at: datetime = _when(nullable=False)
    assigned_to: int | None = Field(default=None, foreign_key="staffuser.id")
    reopened_count: int = 0
    transferred_count: int = 0
    satisfied: bool | None = None
    anonymised_at: datetime | None = _when()  # retention (UU PDP): personal data removed then


class TicketAnalysis(SQLModel, table=True):
    """SOP step 3 (DESIGN §1): the officer's or committee's analysis of a ticket, one per ticket.

    `analysed_at`/`analysed_by` are the first save and never change (the recap measures step 3 by
    them); a later edit moves `updated_at`/`updated_by`, and every save is a `ticket.analysis`
    audit line with the fields it changed, before and after."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", unique=True)
    problem: str = Field(default="", sa_type=sa.Text)  # what the problem is
    regulation: str = Field(default="", sa_type=sa.Text)  # the rules that apply (free text)
    solution: str = Field(default="", sa_type=sa.Text)  # the recommended solution
    analysed_at: datetime = _when(nullable=False)
    analysed_by: str = Field(max_length=80)
    updated_at: datetime = _when(nullable=False)
    updated_by: str = Field(max_length=80)


class Message(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("channel", "provider_id", name="uq_message_provider"),
        # what one address sent and got on a channel: WhatsApp's 24-hour window before every
        # send (`delivery`), the simulator's phone
        sa.Index("ix_message_channel_address", "channel", "address", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    direction: Direction = Field(sa_type=StrEnumType(Direction, 3))
    channel: str = Field(max_length=20)
    address: str = Field(max_length=100)
    provider_id: str | None = Field(default=None, max_length=128)
    body: str = Field(default="", sa_type=sa.Text)
    media: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    # when bot.media next tries to fetch this message's files from the provider; None: nothing to fetch
    media_due_at: datetime | None = _when(index=True)
    author: str = Field(default="citizen", max_length=80)  # citizen, bot, or a staff username
    reply_to_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    is_note: bool = False  # internal note: never sent to the citizen
    created_at: datetime = _when(nullable=False, index=True)


class Attachment(SQLModel, table=True):
    """The bytes of a file a citizen sent, one row per kept item of `Message.media` (which holds the
    item's metadata and this row's id as "attachment"). Apart from the message so the ticket page
    and every listing read the JSON without the files; only the download selects `data`."""

    __table_args__ = (sa.UniqueConstraint("message_id", "item", name="uq_attachment_item"),)
    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id")
    item: int  # the index of the item in Message.media
    content_type: str = Field(default="", max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_type=sa.LargeBinary)
    created_at: datetime = _when(nullable=False)


class Answer(SQLModel, table=True):
    """A prepared answer in the library."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)  # None: all units
    title: str = Field(max_length=200)
    keywords: list[str] = Field(default_factory=list, sa_type=JSON)
    examples: list[str] = Field(default_factory=list, sa_type=JSON)
    body: str = Field(sa_type=sa.Text)
    auto_send: bool = False
    active: bool = True
    usage_count: int = 0
    updated_by: str = "system"
    updated_at: datetime = _when(nullable=False)


class Draft(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    answer_id: int | None = Field(default=None, foreign_key="answer.id")
    body: str = Field(sa_type=sa.Text)
    score: float = 0.0
    status: DraftStatus = Field(
        default=DraftStatus.PENDING, sa_type=StrEnumType(DraftStatus, 10), index=True
    )
    created_at: datetime = _when(nullable=False)
    decided_by: str | None = None
    decided_at: datetime | None = _when()


class Conversation(SQLModel, table=True):
    """The state of the bot's conversation with one address on one channel."""

    __table_args__ = (sa.UniqueConstraint("channel", "address", name="uq_conversation_address"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    address: str = Field(max_length=100)
    state: str = Field(default="idle", max_length=30)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = _when(nullable=False)
    expires_at: datetime | None = _when(index=True)


class Outbox(SQLModel, table=True):
    """Delivery of one outbound message; written in the same transaction as the change that caused it."""

    __table_args__ = (sa.Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    channel: str = Field(max_length=20)
    address: str = Field(max_length=100)
    body: str = Field(sa_type=sa.Text)
    status: OutboxStatus = Field(
        default=OutboxStatus.PENDING, sa_type=StrEnumType(OutboxStatus, 10)
    )
    attempts: int = 0
    next_attempt_at: datetime | None = _when()
    provider_id: str | None = Field(default=None, max_length=128, index=True)
    error: str = ""
    created_at: datetime = _when(nullable=False)
    sent_at: datetime | None = _when()
    delivered_at: datetime | None = _when()


class OutboxPart(SQLModel, table=True):
    """One "(i/n)" part of a long outbox message that the provider sent and reports on separately
    (a Kannel sendsms request with its own dlr-url id, a Twilio or WhatsApp message id).

    Only rows of more than one part have parts; the outbox row keeps the first part's id as its
    provider_id. A receipt for a part updates the part, and the row follows them all (apply_status):
    failed when any part failed, delivered only when every part was delivered."""

    __table_args__ = (
        sa.UniqueConstraint("outbox_id", "part", name="uq_outboxpart_part"),
        sa.Index("ix_outboxpart_provider", "channel", "provider_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox.id")
    part: int  # 1-based, as in "(i/n)"
    channel: str = Field(max_length=20)
    provider_id: str = Field(max_length=128)
    status: OutboxStatus = Field(
        default=OutboxStatus.PENDING, sa_type=StrEnumType(OutboxStatus, 10)
    )
    error: str = ""


class Inbox(SQLModel, table=True):
    """A webhook's message stored as received, before it is understood (queued intake).

    Written by one insert in the webhook request (a provider retry hits the unique key and is
    dropped); `aduan worker` then handles it like an inline message and sets processed_at once that
    has committed (bot.inbox). Handled rows are deleted two days later, rows set aside after
    failing four weeks after that (they hold the citizen's text): bot.inbox.purge."""

    __table_args__ = (
        sa.UniqueConstraint("channel", "provider_id", name="uq_inbox_provider"),
        sa.Index("ix_inbox_sender", "channel", "address", "processed_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    address: str = Field(max_length=100)
    provider_id: str | None = Field(default=None, max_length=128)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    received_at: datetime = _when(nullable=False)
    processed_at: datetime | None = _when(index=True)
    message_id: int | None = None  # the stored message (no foreign key: on SQLite the inbox
    # lives in a file of its own, see store.db.intake_engine)
    attempts: int = 0
    error: str = ""


class StaffUser(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True, index=True)
    full_name: str = ""
    password_hash: str = ""
    role: Role = Field(default=Role.OFFICER, sa_type=StrEnumType(Role, 10))
    units: list[str] = Field(default_factory=list, sa_type=JSON)  # unit codes an officer serves
    phone: str | None = Field(default=None, max_length=20)
    committee_level: str | None = Field(default=None, max_length=20)  # anggota, ketua, pengarah
    preferred_channel: str = Field(
        default="", max_length=20
    )  # where staff get messages on their phone
    channel_address: str = Field(default="", max_length=100)  # address there; "" means the phone
    active: bool = True
    created_at: datetime = _when(nullable=False)
    last_login_at: datetime | None = _when()


class AuditLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when(nullable=False, index=True)
    actor: str = Field(max_length=80)  # staff username, "citizen", "bot", "scheduler"
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    before: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    after: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    reason: str = ""


class Escalation(SQLModel, table=True):
    """A ticket put before the committee: why, at which level now, and who acknowledged it."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    reason: str = Field(max_length=30)  # ethics, sla_breach, citizen_no, officer
    level: str = Field(default="anggota", max_length=20)  # anggota -> ketua -> pengarah
    created_at: datetime = _when(nullable=False, index=True)
    level_since: datetime = _when(nullable=False)  # when it reached its current level
    acknowledged_at: datetime | None = _when()
    acknowledged_by: str | None = Field(default=None, max_length=80)
    closed_at: datetime | None = _when()
    note: str = ""


class SchedulerLease(SQLModel, table=True):
    """Who runs the scheduler: one row per lease name, renewed by its holder."""

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=120)
    expires_at: datetime = _when(nullable=False)
    renewed_at: datetime = _when(nullable=False)


class JobMark(SQLModel, table=True):
    """A one-time effect already done (a reminder, a recap): its unique key makes jobs idempotent."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    at: datetime = _when(nullable=False)


class EthicsTerm(SQLModel, table=True):
    """One word or phrase of the ethics lexicon (pungli, "uang damai"): a match flags the ticket."""

    id: int | None = Field(default=None, primary_key=True)
    term: str = Field(max_length=80, unique=True)
    active: bool = True
    updated_by: str = Field(default="system", max_length=80)
    updated_at: datetime = _when(nullable=False)


class TemplateOverride(SQLModel, table=True):
    """A reply template's wording as edited in the admin; it replaces the shipped file."""

    __table_args__ = (sa.UniqueConstraint("key", "lang", name="uq_template_override"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40)
    lang: str = Field(max_length=5)
    source: str = Field(sa_type=sa.Text)
    updated_by: str = Field(max_length=80)
    updated_at: datetime = _when(nullable=False)

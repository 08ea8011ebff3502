"""Flow building blocks: states, the context snapshot, actions and Step. Pure data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class State(StrEnum):
    IDLE = "idle"
    AWAITING_UNIT = "awaiting_unit"  # "Maksud Anda DISHUB? Balas YA" / "ketik angka: 1 DISHUB ..."
    AWAITING_TEXT = "awaiting_text"  # a code arrived without the complaint
    AWAITING_DETAIL = "awaiting_detail"  # the unit's follow-up questions (e.g. the location)
    AWAITING_NAME = "awaiting_name"  # the desk asks for the citizen's name
    AWAITING_FEEDBACK = "awaiting_feedback"  # "Apakah jawaban ini menyelesaikan masalah Anda?"


@dataclass(frozen=True)
class TicketRef:
    number: str
    unit_code: str
    ethics: bool = False  # before the committee, hidden from the unit: new complaints go elsewhere


@dataclass(frozen=True)
class Snapshot:
    """What a step may know: the conversation and a read-only view of the citizen's tickets.

    The service fills the desk's settings in: units ordered by how likely the text belongs to them
    (`suggested` is the routing's best guess, "" if it has none), each unit's follow-up questions,
    whether a name is still needed, the words that ask for confidentiality, and for a bare YA/TIDAK
    the ticket whose answer it may be about."""

    state: State
    text: str  # the normalised message, for keywords that are not answers here
    data: Mapping[str, Any] = field(default_factory=dict)
    open_tickets: tuple[TicketRef, ...] = ()
    has_media: bool = False
    suggested: str = ""
    units: tuple[str, ...] = ()
    questions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ask_name: bool = False
    secrecy_words: tuple[str, ...] = ("RAHASIA",)
    # the citizen sent STOP and will not see a question: an uncoded complaint is filed with the
    # routing's best guess (or the near-miss code) instead of asking "Maksud Anda DISHUB?"
    unasked: bool = False
    # for a YA/TIDAK (bare, or opening the message) outside the feedback question: the ticket it
    # answers, "" if none. The latest answered one; for TIDAK, else one recently closed after its
    # answer (`[conversation] reopen_days`, bot.conversations)
    answered: str = ""


@dataclass(frozen=True)
class Reply:
    key: str
    ctx: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FileComplaint:
    """Open a ticket for the unit, or append to the citizen's open one there."""

    unit_code: str
    text: str
    details: tuple[str, ...] = ()  # answers to the unit's follow-up questions, in order
    name: str = ""
    confidential: bool = False


@dataclass(frozen=True)
class AppendToTicket:
    number: str
    reply: bool = True  # False: the step sends its own reply


@dataclass(frozen=True)
class ShowStatus:
    number: str = ""


@dataclass(frozen=True)
class SetOptOut:
    opted_out: bool


@dataclass(frozen=True)
class SetLanguage:
    """The citizen chose the language of the replies ("en" or "id")."""

    language: str


@dataclass(frozen=True)
class RecordFeedback:
    """The citizen's answer to "did this solve it?": YA closes the ticket, TIDAK reopens it."""

    number: str
    satisfied: bool


@dataclass(frozen=True)
class ReopenTicket:
    """The citizen wrote again after the answer: the ticket goes back to the officers with a new
    deadline, and the citizen is told (`feedback_noted`). No escalation: that is TIDAK's
    (RecordFeedback). The service skips both when the words went to a ticket of their own."""

    number: str


@dataclass(frozen=True)
class MarkConfidential:
    """Hide the citizen's identity from the unit on this ticket ("" : nothing to mark yet)."""

    number: str = ""


Action = (
    Reply
    | FileComplaint
    | AppendToTicket
    | ShowStatus
    | SetOptOut
    | SetLanguage
    | RecordFeedback
    | ReopenTicket
    | MarkConfidential
)


@dataclass(frozen=True)
class Step:
    state: State
    data: Mapping[str, Any]
    actions: tuple[Action, ...]

    @classmethod
    def to(cls, state: State, *actions: Action, **data: Any) -> Step:
        """Move to state with fresh data."""
        return cls(state, data, actions)

    @classmethod
    def idle(cls, *actions: Action) -> Step:
        """Back to idle, forgetting any pending question."""
        return cls(State.IDLE, {}, actions)

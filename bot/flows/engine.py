"""Flow building blocks: states, the context snapshot, actions and Step. Pure data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class State(StrEnum):
    IDLE = "idle"
    AWAITING_UNIT = "awaiting_unit"  # "Maksud Anda DISHUB? Balas YA"
    AWAITING_TEXT = "awaiting_text"  # a code arrived without the complaint


@dataclass(frozen=True)
class TicketRef:
    number: str
    unit_code: str


@dataclass(frozen=True)
class Snapshot:
    """What a step may know: the conversation and a read-only view of the citizen's tickets."""

    state: State
    text: str  # the normalised message, for keywords that are not answers here
    data: Mapping[str, Any] = field(default_factory=dict)
    open_tickets: tuple[TicketRef, ...] = ()
    has_media: bool = False


@dataclass(frozen=True)
class Reply:
    key: str
    ctx: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FileComplaint:
    """Open a ticket for the unit, or append to the citizen's open one there."""

    unit_code: str
    text: str


@dataclass(frozen=True)
class AppendToTicket:
    number: str


@dataclass(frozen=True)
class ShowStatus:
    number: str = ""


@dataclass(frozen=True)
class SetOptOut:
    opted_out: bool


Action = Reply | FileComplaint | AppendToTicket | ShowStatus | SetOptOut


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

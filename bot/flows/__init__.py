"""Conversation flows: pure functions from (state, parsed message, snapshot, now) to a Step."""

from bot.flows.complaint import step
from bot.flows.engine import (
    Action,
    AppendToTicket,
    FileComplaint,
    Reply,
    SetOptOut,
    ShowStatus,
    Snapshot,
    State,
    Step,
    TicketRef,
)

__all__ = [
    "Action",
    "AppendToTicket",
    "FileComplaint",
    "Reply",
    "SetOptOut",
    "ShowStatus",
    "Snapshot",
    "State",
    "Step",
    "TicketRef",
    "step",
]

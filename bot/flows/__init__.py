"""Conversation flows: pure functions from (state, parsed message, snapshot, now) to a Step."""

from bot.flows.dispatch import expire, step
from bot.flows.engine import (
    Action,
    AppendToTicket,
    FileComplaint,
    MarkConfidential,
    RecordFeedback,
    ReopenTicket,
    Reply,
    SetLanguage,
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
    "MarkConfidential",
    "RecordFeedback",
    "ReopenTicket",
    "Reply",
    "SetLanguage",
    "SetOptOut",
    "ShowStatus",
    "Snapshot",
    "State",
    "Step",
    "TicketRef",
    "expire",
    "step",
]

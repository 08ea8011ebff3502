"""Gammu SMSD (a GSM modem): no webhook. SMSD writes received SMS to its `inbox` table and sends what
is put in its `outbox`; `poll_gammu` (a scheduler job) reads the one and `Gammu.send` writes the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.channels.base import Rejected, SendError, WebhookRequest, WebhookResponse
from bot.channels.gammu import smsd
from bot.channels.gammu.poll import poll_gammu
from bot.config import Config, ConfigError
from bot.messages import InboundMessage, OutboundMessage, StatusUpdate

__all__ = ["Gammu", "poll_gammu"]


class Gammu:
    name = "gammu"
    inline_replies = False
    inline_max_segments = 0

    def __init__(self, config: Config) -> None:
        url = config.channels.gammu.database_url
        if not url:
            raise ConfigError("config key 'channels.gammu.database_url' must be set to use gammu")
        self.region = config.app.default_region
        self.smsd = smsd.make_smsd_engine(url)
        # Incomplete concatenated messages -> when this process first saw them (see poll._due).
        self.waiting: dict[tuple[str, int, int, int], datetime] = {}

    def verify(self, req: WebhookRequest) -> None:
        """Gammu has no webhook: messages arrive through poll_gammu."""
        raise Rejected("Gammu SMSD has no webhook", 404)

    def parse_inbound(self, req: WebhookRequest) -> list[InboundMessage]:
        return []

    def parse_status(self, req: WebhookRequest) -> list[StatusUpdate]:
        return []

    def ack(self, replies: Sequence[str]) -> WebhookResponse:
        return WebhookResponse("")

    def send(self, msg: OutboundMessage) -> str:
        """Queue the message in SMSD's outbox; its outbox.ID is the provider id."""
        try:
            with self.smsd.begin() as conn:
                outbox_id = smsd.write_outbox(conn, msg.address, msg.text, ref=msg.outbox_id)
        except Exception as exc:  # SMSD's database down or locked: the dispatcher retries
            raise SendError(f"Gammu SMSD database: {type(exc).__name__}") from exc
        return str(outbox_id)

    def close(self) -> None:
        """Release the connections to SMSD's database."""
        self.smsd.dispose()

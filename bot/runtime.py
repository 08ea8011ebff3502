"""The running desk: config, engine, templates, channels and clock, built once per process.

`build_runtime` is shared by the web app (bot.app.create_app) and the processes that need no web
app: the inbox worker, the scheduler and `aduan chat` (they skip Flask and the admin, ~12 MB).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy.engine import Engine

from bot import conversations, delivery, service
from bot.channels.base import Channel
from bot.channels.registry import build_channels
from bot.config import Config
from bot.logs import install_masking
from bot.messages import InboundMessage
from bot.parsers import mask_phone
from bot.replies import make_env
from bot.service import Desk, Outcome
from store.db import make_engine, read_session
from store.templates import load_overrides

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    desk: Desk
    engine: Engine
    channels: Mapping[str, Channel]
    clock: Callable[[], datetime] = utcnow
    sync_delivery: bool = False  # tests: send in the request instead of a background thread
    _pool: ThreadPoolExecutor | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _kicked: bool = field(default=False, repr=False)  # a delivery run is queued, not yet started
    _stopping: threading.Event = field(default_factory=threading.Event, repr=False)

    def now(self) -> datetime:
        return self.clock()

    def receive(self, msg: InboundMessage, *, inline: bool, inline_limit: int = 0) -> Outcome:
        """Handle an inbound message in one transaction, then send what it queued. With
        `inline_limit`, replies beyond that many SMS segments are queued instead of inline."""
        outcome = service.process_inbound(
            self.engine,
            msg,
            now=self.now(),
            desk=self.desk,
            inline=inline,
            inline_limit=inline_limit,
        )
        log.info(
            "inbound channel=%s from=%s message=%s ticket=%s replies=%d duplicate=%s",
            msg.channel,
            mask_phone(msg.address),
            outcome.message_id,
            outcome.ticket,
            len(outcome.replies),
            outcome.duplicate,
        )
        if outcome.queued:  # inline-only replies went out in the HTTP response: nothing to dispatch
            self.kick_delivery()
        return outcome

    def deliver_now(self) -> int:
        return delivery.dispatch(
            self.engine, self.channels, now=self.now(), cfg=self.desk.config.delivery
        )

    def warm_routing(self) -> None:
        """Build the unit router ahead of the first uncoded message (best effort: a failure only
        means the first such message builds it, as before)."""
        try:
            with read_session(self.engine) as session:
                conversations.warm_routing(session)
        except Exception:
            log.warning(
                "routing warm-up failed; the first uncoded message builds it", exc_info=True
            )

    def kick_delivery(self) -> None:
        """Send queued messages right after the commit that queued them, off the request thread.
        Kicks that arrive before the delivery thread started its run are served by that run."""
        if self.sync_delivery:
            self.deliver_now()
            return
        with self._lock:
            if self._kicked:
                return
            self._kicked = True
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aduan-delivery")
        self._pool.submit(self._safe_deliver)

    def _safe_deliver(self) -> None:
        with self._lock:
            self._kicked = False
        try:
            while self.deliver_now() and not self._stopping.is_set():  # more batches may be due
                pass
        except Exception:  # the scheduler's retry job picks the rows up again
            log.exception("delivery run failed")

    def stop_delivery(self) -> None:
        """Finish the batch in hand and stop: what is left stays due for the next process."""
        self._stopping.set()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def secret_key(config: Config, instance: Path) -> str:
    """ADUAN_SECRET_KEY, or a random key kept in the instance folder so sessions survive restarts
    (it also signs the citizens' progress links, so every process of a desk must share it)."""
    if config.secret("ADUAN_SECRET_KEY"):
        return config.secret("ADUAN_SECRET_KEY")
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def build_runtime(
    config: Config,
    *,
    key: str | None = None,
    http: httpx.Client | None = None,
    clock: Callable[[], datetime] | None = None,
    testing: bool = False,
) -> Runtime:
    """The desk's runtime: engine, templates (with the officers' overrides), channels, clock. Secrets
    (and the session key) are masked in the logs from here on."""
    key = key or secret_key(config, Path.cwd() / "instance")
    install_masking([*config.secrets.values(), key])
    engine = make_engine(config.database.url)
    return Runtime(
        desk=Desk(config=config, env=make_env(overrides=load_overrides(engine)), link_secret=key),
        engine=engine,
        channels=build_channels(config, http or httpx.Client(timeout=10)),
        clock=clock or utcnow,
        sync_delivery=testing,
    )

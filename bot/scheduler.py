"""The one scheduler (DESIGN §8): APScheduler runs the jobs in exactly one process, chosen by a lease.

Every process that may schedule (the `aduan scheduler` command, `make run`, each web worker with
[scheduler] in_web) runs a Node. A node renews the lease row every renew_seconds; only the holder runs
jobs. The lease is taken with one atomic statement (UPDATE ... WHERE the lease expired or is mine, else
INSERT ... ON CONFLICT DO NOTHING), so two processes never both hold it, on SQLite or PostgreSQL. When
the holder dies, another node takes over once the lease expires: within lease_seconds + renew_seconds.
The jobs are idempotent (JobMark), so a takeover in the middle of a run sends nothing twice.

This is the only module that imports APScheduler.
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from bot import delivery
from bot.channels.base import Channel
from bot.service import Desk
from store.db import session_scope
from store.models import SchedulerLease

log = logging.getLogger(__name__)
LEASE_NAME = "scheduler"


@dataclass(frozen=True)
class JobContext:
    """What a 'runtime' job gets: everything a 'session' job gets, plus the engine and channels."""

    engine: Engine
    desk: Desk
    channels: Mapping[str, Channel]
    now: datetime


@dataclass(frozen=True)
class JobSpec:
    name: str
    target: str  # "module:function"
    every: Mapping[str, Any]  # APScheduler trigger arguments ("cron" when "second" is given)
    kind: str = "session"  # session: fn(session, *, now, desk) in one transaction; runtime: fn(ctx)
    optional: bool = False  # provided by another part; skipped with a warning while absent


def retry_outbox(ctx: JobContext) -> int:
    """Send what the outbox has due (first tries that missed their thread, and retries)."""
    return delivery.dispatch(ctx.engine, ctx.channels, now=ctx.now, cfg=ctx.desk.config.delivery)


def gammu_poll(ctx: JobContext) -> int:
    """Read Gammu SMSD's new inbox rows when the gammu channel is enabled."""
    if "gammu" not in ctx.channels:
        return 0
    from bot.channels.gammu.poll import poll_gammu

    return poll_gammu(ctx.engine, ctx.desk, ctx.channels, now=ctx.now)


def retention(ctx: JobContext) -> int:
    """Anonymise closed tickets past the retention policy (UU PDP), a batch at a time."""
    from bot.retention import anonymise_closed

    with session_scope(ctx.engine) as session:
        report = anonymise_closed(session, now=ctx.now, policy=ctx.desk.config.retention)
    return len(report.tickets)


def fetch_media(ctx: JobContext) -> int:
    """Download the files citizens sent on Twilio, Telegram and WhatsApp Cloud (bot.media)."""
    from bot.media import fetch_due

    return fetch_due(ctx.engine, ctx.channels, now=ctx.now, cfg=ctx.desk.config.media)


def link_staff(ctx: JobContext) -> int:
    """Link committee members' phone addresses to contacts before an alert or JAWAB needs them."""
    from bot.committee import link_staff

    return link_staff(ctx.engine, now=ctx.now, desk=ctx.desk)


def inbox(ctx: JobContext) -> int:
    """Queued intake's backstop: handle messages no worker took (none running, or intake switched
    back to inline with some left), and inline intake's second try at a message whose handling
    failed in its request (inbox.handle_inline); drop handled inbox rows after inbox.KEEP (the message
    table has them)."""
    from bot import inbox

    inbox.purge(ctx.engine, before=ctx.now - inbox.KEEP)
    return inbox.drain(
        ctx.engine, ctx.desk, clock=lambda: ctx.now, limit=ctx.desk.config.inbound.worker_batch
    )


# The one list of scheduled jobs. Time-of-day jobs (digest, recap) run often and check their own
# local time, so a scheduler that was down catches up on its next run.
JOBS: tuple[JobSpec, ...] = (
    JobSpec("sla_clock", "bot.jobs:sla_clock", {"second": 0}),
    JobSpec("auto_close", "bot.jobs:auto_close", {"minutes": 5}),
    JobSpec("daily_digest", "bot.digests:daily_digest", {"second": 30}),
    JobSpec("monthly_recap", "bot.digests:monthly_recap", {"minutes": 5}),
    JobSpec("retry_outbox", "bot.scheduler:retry_outbox", {"seconds": 30}, kind="runtime"),
    JobSpec("escalation_ladder", "bot.committee:escalation_ladder", {"second": 15}),
    JobSpec("link_staff", "bot.scheduler:link_staff", {"minutes": 5}, kind="runtime"),
    JobSpec("expire_conversations", "bot.conversations:expire_conversations", {"minutes": 1}),
    JobSpec("retention", "bot.scheduler:retention", {"minutes": 60}, kind="runtime"),
    JobSpec("gammu_poll", "bot.scheduler:gammu_poll", {"seconds": 10}, kind="runtime"),
    JobSpec("inbox", "bot.scheduler:inbox", {"seconds": 30}, kind="runtime"),
    JobSpec("fetch_media", "bot.scheduler:fetch_media", {"seconds": 30}, kind="runtime"),
)


_MISSING: set[str] = set()  # optional targets already reported absent


def resolve(spec: JobSpec) -> Callable[..., Any] | None:
    """The job's function, or None for an optional job whose module is not there."""
    module, _, name = spec.target.partition(":")
    try:
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        if not spec.optional:
            raise
        if spec.target not in _MISSING:
            _MISSING.add(spec.target)
            log.warning("scheduled job %s skipped: %s is not available", spec.name, spec.target)
        return None


def acquire(
    engine: Engine, *, holder: str, now: datetime, ttl: timedelta, name: str = LEASE_NAME
) -> bool:
    """Take or renew the lease for ttl; True when this holder has it now."""
    table = SchedulerLease.__table__  # type: ignore[attr-defined]
    values = {"holder": holder, "expires_at": now + ttl, "renewed_at": now}
    mine_or_free = sa.or_(table.c.holder == holder, table.c.expires_at < now)
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    with session_scope(engine) as session:
        conn = session.connection()
        # RETURNING rather than rowcount: the drivers do not all report it for INSERT ... ON CONFLICT
        update = table.update().where(table.c.name == name, mine_or_free).values(**values)
        if conn.execute(update.returning(table.c.name)).first() is not None:
            return True
        insert = dialect.insert(table).values(name=name, **values).on_conflict_do_nothing()
        return conn.execute(insert.returning(table.c.name)).first() is not None


def release(engine: Engine, *, holder: str, now: datetime, name: str = LEASE_NAME) -> None:
    """Give the lease up at shutdown, so another node takes over at its next renewal."""
    table = SchedulerLease.__table__  # type: ignore[attr-defined]
    with session_scope(engine) as session:
        stmt = table.update().where(table.c.name == name, table.c.holder == holder)
        session.connection().execute(stmt.values(expires_at=now))


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Node:
    """One process's part in scheduling: renews the lease, runs the jobs while it holds it."""

    engine: Engine
    desk: Desk
    channels: Mapping[str, Channel]
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    holder: str = field(default_factory=default_holder)
    jobs: tuple[JobSpec, ...] = JOBS
    _until: datetime | None = None

    @property
    def ttl(self) -> timedelta:
        return timedelta(seconds=self.desk.config.scheduler.lease_seconds)

    def tick(self) -> bool:
        """Take or renew the lease; True while this node is the one that runs jobs."""
        now = self.clock()
        try:
            got = acquire(self.engine, holder=self.holder, now=now, ttl=self.ttl)
        except sa.exc.SQLAlchemyError:
            log.exception("lease renewal failed")
            got = False
        if got and self._until is None:
            log.info("scheduler lease taken by %s", self.holder)
        self._until = now + self.ttl if got else None
        return got

    def leading(self) -> bool:
        return self._until is not None and self.clock() < self._until

    def run(self, spec: JobSpec) -> Any:
        """Run one job now if this node holds the lease (errors are logged, never raised)."""
        fn = resolve(spec)
        if fn is None or not self.leading():
            return None
        now = self.clock()
        try:
            if spec.kind == "runtime":
                return fn(JobContext(self.engine, self.desk, self.channels, now))
            with session_scope(self.engine) as session:
                return fn(session, now=now, desk=self.desk)
        except Exception:
            log.exception("scheduled job %s failed", spec.name)
            return None

    def run_once(self) -> dict[str, Any]:
        """Renew the lease and, when leading, run every job once (start-up catch-up; tests)."""
        if not self.tick():
            return {}
        return {spec.name: self.run(spec) for spec in self.jobs}

    def stop(self) -> None:
        if self._until is not None:
            release(self.engine, holder=self.holder, now=self.clock())
            self._until = None


def build(node: Node, *, blocking: bool = False) -> BaseScheduler:
    """The APScheduler with the lease renewal and every job; not started."""
    scheduler = BlockingScheduler(timezone=UTC) if blocking else BackgroundScheduler(timezone=UTC)
    renew = node.desk.config.scheduler.renew_seconds
    options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
    first = datetime.now(UTC)
    scheduler.add_job(
        node.tick, "interval", seconds=renew, id="lease", next_run_time=first, **options
    )
    for spec in node.jobs:
        trigger = "cron" if "second" in spec.every else "interval"
        scheduler.add_job(node.run, trigger, args=[spec], id=spec.name, **spec.every, **options)
    return scheduler


def start_background(node: Node) -> BaseScheduler:
    """Run the scheduler on a background thread of this process (make run, web workers)."""
    scheduler = build(node)
    scheduler.start()
    return scheduler

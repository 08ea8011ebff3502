"""`aduan worker`: answers the messages queued webhooks stored ([inbound] queued = true).

It loops: handle what waits in the inbox (bot.inbox.drain), hand the replies to the delivery
thread, sleep briefly when there is nothing to do. While messages flood in (Flood), it answers at a
quarter of its pace, so that taking them in keeps the CPU and the database; rounds last about a
second, so a flood is noticed quickly. Several workers may run (on several hosts): a
sender's messages are still handled one at a time, oldest first. `aduan serve` starts one beside
the web workers when intake is queued; it exits when its parent does.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot import inbox
from bot.runtime import Runtime

log = logging.getLogger(__name__)
IDLE_SECONDS = 0.2
PURGE_SECONDS = 600
ROUND_SECONDS = 1.0  # a round ends after this, so a flood is noticed within about a second
FLOOD_BATCH = 20  # messages per round while messages flood in ...
FLOOD_PAUSE = 3.0  # ... then a pause this many times the round's length: a quarter of the pace
NICE = 19  # the lowest: the worker `aduan serve` starts uses only the CPU the web workers leave


class Flood:
    """Whether messages arrive faster than `rate` a second, judged from how fast the inbox's ids
    grow over windows of at least half a second (one key lookup per judgement).

    During a flood the worker answers at a quarter of its pace: nice 19 keeps its own CPU from the
    web workers, but not the database's work it causes (on PostgreSQL a backend process at normal
    priority), and taking messages in comes first: a provider whose webhook is slow retries it."""

    WINDOW = 0.5

    def __init__(
        self, engine: Engine, rate: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.engine, self.rate, self.clock = engine, rate, clock
        self.mark: tuple[float, int] | None = None
        self.flooding = False

    def __call__(self) -> bool:
        if self.rate <= 0:
            return False
        when = self.clock()
        if self.mark is not None and when - self.mark[0] < self.WINDOW:
            return self.flooding  # too short a window to judge: the verdict stands
        try:
            now = (when, inbox.last_id(self.engine))
        except SQLAlchemyError:  # the database restarting: the round that follows will say so
            return self.flooding
        if self.mark is not None:
            arrived = max(0, now[1] - self.mark[1])  # ids restart when SQLite's table is emptied
            self.flooding = arrived / (now[0] - self.mark[0]) > self.rate
        self.mark = now
        return self.flooding


def run(runtime: Runtime, *, stop: threading.Event, parent: int | None = None) -> None:
    """Work until `stop` is set (or the parent process, when given, has gone)."""
    cfg = runtime.desk.config.inbound
    runtime.kick_delivery()  # what an earlier worker left queued
    threading.Thread(target=runtime.warm_routing, name="warm-routing", daemon=True).start()
    flood = Flood(runtime.engine, cfg.flood_rate)
    purged_at = 0.0
    while not stop.is_set():
        if time.monotonic() - purged_at > PURGE_SECONDS:  # also when no scheduler runs
            purged_at = time.monotonic()
            try:
                inbox.purge(runtime.engine, before=runtime.now() - inbox.KEEP)
            except Exception:
                log.exception("worker: purging handled inbox rows failed")
        if parent is not None and os.getppid() != parent:
            log.warning("worker: the serving process is gone; stopping")
            return
        flooding, started = flood(), time.monotonic()
        try:
            handled = inbox.drain(
                runtime.engine,
                runtime.desk,
                clock=runtime.clock,
                limit=FLOOD_BATCH if flooding else cfg.worker_batch,
                on_queued=runtime.kick_delivery,
                stop=functools.partial(_round_over, stop, started + ROUND_SECONDS),
            )
        except Exception:  # e.g. the database restarting: try again shortly
            log.exception("worker: inbox round failed")
            handled = 0
        if not handled:
            stop.wait(IDLE_SECONDS)
        elif flooding:
            _pause(stop, flood, FLOOD_PAUSE * (time.monotonic() - started))


def _pause(stop: threading.Event, flood: Flood, seconds: float) -> None:
    """Wait up to `seconds` while the flood lasts (judged again every half second), so the backlog
    is answered at full pace as soon as it has passed."""
    until = time.monotonic() + seconds
    while (left := until - time.monotonic()) > 0 and flood():
        if stop.wait(min(left, Flood.WINDOW)):
            return


def _round_over(stop: threading.Event, deadline: float) -> bool:
    return stop.is_set() or time.monotonic() > deadline


def start_background(runtime: Runtime) -> threading.Event:
    """A worker thread in this process (`aduan run` with queued intake); set the event to stop it."""
    stop = threading.Event()
    threading.Thread(
        target=run, args=(runtime,), kwargs={"stop": stop}, name="aduan-worker", daemon=True
    ).start()
    return stop


def main(*, follow_parent: bool = False) -> None:
    """The process's main loop; SIGTERM and SIGINT stop it after the message in hand."""
    from bot.config import load_config
    from bot.logs import configure
    from bot.runtime import build_runtime

    config = load_config()
    configure(config.logging.level, config.logging.format, config.secrets.values())
    runtime = build_runtime(config)  # no web app: Flask and the admin are not loaded here
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        run(runtime, stop=stop, parent=os.getppid() if follow_parent else None)
    finally:
        runtime.stop_delivery()


if __name__ == "__main__":  # `aduan serve` starts it so: python -m bot.worker
    # Below the web workers in CPU priority: under a burst, taking messages in (and answering the
    # provider's webhook at once) comes first; answering them catches up as the burst passes.
    os.nice(NICE)
    main(follow_parent=True)

"""`aduan worker`: answers the messages queued webhooks stored ([inbound] queued = true).

It loops: handle what waits in the inbox (bot.inbox.drain), hand the replies to the delivery
thread, sleep briefly when there is nothing to do. Several workers may run (on several hosts): a
sender's messages are still handled one at a time, oldest first. `aduan serve` starts one beside
the web workers when intake is queued; it exits when its parent does.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from types import FrameType

from bot import inbox
from bot.runtime import Runtime

log = logging.getLogger(__name__)
IDLE_SECONDS = 0.2
PURGE_SECONDS = 600
NICE = 19  # the lowest: the worker `aduan serve` starts uses only the CPU the web workers leave


def run(runtime: Runtime, *, stop: threading.Event, parent: int | None = None) -> None:
    """Work until `stop` is set (or the parent process, when given, has gone)."""
    cfg = runtime.desk.config.inbound
    runtime.kick_delivery()  # what an earlier worker left queued
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
        try:
            handled = inbox.drain(
                runtime.engine,
                runtime.desk,
                clock=runtime.clock,
                limit=cfg.worker_batch,
                on_queued=runtime.kick_delivery,
                stop=stop.is_set,
            )
        except Exception:  # e.g. the database restarting: try again shortly
            log.exception("worker: inbox round failed")
            handled = 0
        if not handled:
            stop.wait(IDLE_SECONDS)


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

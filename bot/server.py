"""`aduan serve`: the app under gunicorn with N worker processes, for production.

What must happen once runs in the master before forking (schema migration, the session key file);
each worker builds its own app, engine and delivery thread after the fork, so no database connection
or thread crosses a fork. The scheduler is not started here: it runs once per deployment under its
lease (bot/scheduler.py), never once per worker. With queued intake ([inbound] queued) the master
also starts one inbox worker process (bot/worker.py) that answers what the webhooks stored.
"""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from bot.config import Config

log = logging.getLogger(__name__)


def options(
    config: Config, *, host: str, port: int, workers: int, threads: int, timeout: int
) -> dict[str, Any]:
    """gunicorn settings: sync workers (one request at a time each) unless threads > 1."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout,
        "graceful_timeout": timeout,
        "keepalive": 5,
        "backlog": 2048,
        "accesslog": None,  # access lines would carry query strings; the app logs what matters
        "errorlog": "-",
        "loglevel": config.logging.level.lower(),
        "proc_name": "aduan",
        "control_socket_disable": True,  # one per host path: would clash between servers
        "post_worker_init": _worker_ready,
    }


def _worker_ready(worker: Any) -> None:
    """A fresh web worker, its app loaded: freeze what it holds, then send what a dead worker left.

    gc.freeze() moves the ~120,000 objects of the loaded app out of the collector's reach: a full
    collection that walked them took ~60 ms, a pause that landed on whichever requests were in
    flight (the p99). The outbox flush sends rows a dead worker left due (expired leases too)."""
    gc.collect()
    gc.freeze()
    runtime = worker.wsgi.extensions["aduan"]
    runtime.kick_delivery()
    # the router is built in the background, not by the worker's first uncoded message
    threading.Thread(target=runtime.warm_routing, name="warm-routing", daemon=True).start()


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn run in-process with our settings and our app factory (no config file, no argv)."""

    def __init__(self, config: Config, settings: dict[str, Any], inbox: InboxWorkers) -> None:
        self.config, self.settings, self.inbox = config, settings, inbox
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from bot.app import create_app
        from bot.logs import configure

        configure(
            self.config.logging.level, self.config.logging.format, self.config.secrets.values()
        )
        return create_app(self.config)

    def run(self) -> None:
        """BaseApplication.run with our arbiter (it also keeps the inbox workers running)."""
        try:
            _Arbiter(self, self.inbox).run()
        except RuntimeError as exc:
            sys.exit(f"Error: {exc}")


class InboxWorkers:
    """The inbox workers of queued intake, run beside gunicorn's web workers and started again when
    one dies (its unfinished message is handled again by the next: see bot.inbox).

    They are started from gunicorn's master loop (`manage`, called by _Arbiter in its main thread),
    never from a thread of their own: a thread that spawns a process while gunicorn forks a web
    worker can leave the web worker holding subprocess's exec-status pipe, and the spawning thread
    then waits on that pipe for as long as the web worker lives."""

    RESTART_SECONDS = 1.0  # per slot: a worker that cannot start is not started in a tight loop

    def __init__(self, count: int) -> None:
        self.procs: list[subprocess.Popen[bytes] | None] = [None] * count
        self.started = [0.0] * count
        self.stopping = False

    def manage(self) -> None:
        """Start a worker in every slot whose process is not running (gunicorn's main thread)."""
        for slot, proc in enumerate(self.procs):
            if self.stopping or (proc is not None and _running(proc)):
                continue
            if time.monotonic() - self.started[slot] < self.RESTART_SECONDS:
                continue
            if proc is not None:
                log.warning("the inbox worker is gone; starting another")
            self.started[slot] = time.monotonic()
            try:
                self.procs[slot] = subprocess.Popen([sys.executable, "-m", "bot.worker"])
            except OSError:  # e.g. no memory to fork: the next round tries again
                log.exception("could not start an inbox worker")

    def terminate(self) -> None:
        """Ask the running workers to stop (SIGTERM, after the message in hand); start no other."""
        self.stopping = True
        for proc in self.procs:
            if proc is not None and proc.poll() is None:
                proc.terminate()

    def wait(self, seconds: float = 30) -> None:
        """Wait for them all within `seconds`; kill what is left."""
        deadline = time.monotonic() + seconds
        for proc in self.procs:
            if proc is None:
                continue
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()


def _running(proc: subprocess.Popen[bytes]) -> bool:
    """Whether a worker still runs. gunicorn's master reaps every child with waitpid(-1), so its exit
    status may already be taken (poll() then reports 0); a process whose threads are still being
    torn down after SIGKILL (a zombie leader in /proc) counts as gone."""
    if proc.poll() is not None:
        return False
    try:
        state = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):  # gone; or no /proc at all (not Linux): poll() decides
        return not Path("/proc/self/stat").exists()
    return state not in ("Z", "X")


class _Arbiter(Arbiter):  # type: ignore[misc]
    """gunicorn's master, which also keeps the inbox workers running."""

    def __init__(self, app: Server, inbox: InboxWorkers) -> None:
        self.inbox = inbox
        super().__init__(app)

    def manage_workers(self) -> None:
        self.inbox.manage()
        super().manage_workers()


def serve(config: Config, *, worker: bool = True, **kwargs: Any) -> None:
    """Run until stopped (SIGTERM/SIGINT: graceful). With queued intake, `[inbound] workers`
    `python -m bot.worker` processes run beside the web workers (they stop with this process)."""
    from bot.runtime import secret_key

    secret_key(config, Path.cwd() / "instance")  # created once here, not raced by the workers
    inbox = InboxWorkers(config.inbound.workers if config.inbound.queued and worker else 0)
    master = os.getpid()
    try:
        Server(config, options(config, **kwargs), inbox).run()
    finally:
        # gunicorn's web workers are forks of this process and leave through this same frame
        if os.getpid() == master:
            inbox.terminate()
            inbox.wait(30)  # all of them within one timeout, not one each

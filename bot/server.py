"""`aduan serve`: the app under gunicorn with N worker processes, for production.

What must happen once runs in the master before forking (schema migration, the session key file);
each worker builds its own app, engine and delivery thread after the fork, so no database connection
or thread crosses a fork. The scheduler is not started here: it runs once per deployment under its
lease (bot/scheduler.py), never once per worker. With queued intake ([inbound] queued) the master
also starts one inbox worker process (bot/worker.py) that answers what the webhooks stored.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

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
        "post_worker_init": _flush_outbox,
    }


def _flush_outbox(worker: Any) -> None:
    """A fresh worker sends what a dead one left due (rows whose send lease ran out included)."""
    runtime = worker.wsgi.extensions["aduan"]
    runtime.kick_delivery()


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn run in-process with our settings and our app factory (no config file, no argv)."""

    def __init__(self, config: Config, settings: dict[str, Any]) -> None:
        self.config, self.settings = config, settings
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


class InboxWorker:
    """One inbox worker of queued intake, run beside gunicorn and started again if it dies (its
    unfinished message is handled again by the next one: see bot.inbox)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.lock = threading.Lock()  # no new process once stop() has begun
        self.thread = threading.Thread(target=self._supervise, name="aduan-inbox", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _supervise(self) -> None:
        while True:
            with self.lock:
                if self.stopping.is_set():
                    return
                try:
                    self.proc = subprocess.Popen([sys.executable, "-m", "bot.worker"])
                except OSError:  # e.g. no memory to fork: try again, never give up supervising
                    log.exception("could not start an inbox worker")
            while self.proc is not None and self._running(self.proc):
                if self.stopping.wait(0.5):
                    return
            if self.stopping.wait(1.0):
                return
            log.warning("the inbox worker is gone; starting another")

    @staticmethod
    def _running(proc: subprocess.Popen[bytes]) -> bool:
        """Whether the worker still runs. Polled rather than waited for: gunicorn's master reaps
        every child with waitpid(-1), so the status may already be taken (poll() then reports 0),
        and a process whose threads are still being torn down after SIGKILL counts as gone."""
        if proc.poll() is not None:
            return False
        try:
            state = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):  # gone; or no /proc at all (not Linux): poll() decides
            return not Path("/proc/self/stat").exists()
        return state not in ("Z", "X")

    def terminate(self) -> None:
        """Ask the process in hand to stop (SIGTERM); start no other."""
        with self.lock:
            self.stopping.set()
            if self.proc is not None and self.proc.poll() is None:
                self.proc.terminate()

    def wait(self, seconds: float = 30) -> None:
        if self.proc is None:
            return
        try:
            self.proc.wait(seconds)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def serve(config: Config, *, worker: bool = True, **kwargs: Any) -> None:
    """Run until stopped (SIGTERM/SIGINT: graceful). With queued intake, `[inbound] workers`
    `python -m bot.worker` processes run beside the web workers (they stop with this process)."""
    from bot.runtime import secret_key

    secret_key(config, Path.cwd() / "instance")  # created once here, not raced by the workers
    count = config.inbound.workers if config.inbound.queued and worker else 0
    answering = [InboxWorker() for _ in range(count)]
    for each in answering:
        each.start()
    master = os.getpid()
    try:
        Server(config, options(config, **kwargs)).run()
    finally:
        # gunicorn's web workers are forks of this process and leave through this same frame
        if os.getpid() == master:
            for each in answering:
                each.terminate()
            deadline = time.monotonic() + 30  # all of them within one timeout, not one each
            for each in answering:
                each.wait(max(0.0, deadline - time.monotonic()))

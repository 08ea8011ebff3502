"""Process and database plumbing for the load bench: ports, start-up, RSS, a throwaway database."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited during start-up")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            time.sleep(1.0)  # let every worker boot
            return
        time.sleep(0.2)
    raise RuntimeError("server did not start")


def http_status(port: int, raw: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), 10) as sock:
        sock.sendall(raw)
        head = sock.recv(64)
    return int(head[9:12])


def memory(pid: int) -> list[tuple[str, int, int]]:
    """(kind, VmRSS, VmHWM) in MB of each child of the gunicorn master: "web" workers, and the
    "worker" that answers queued messages."""
    out = []
    children = [
        c for t in Path(f"/proc/{pid}/task").glob("*") for c in (t / "children").read_text().split()
    ]
    for child in children:
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{child}/status").read_text().splitlines()
        )
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        kind = "worker" if b"bot.worker" in cmdline else "web"
        rss, hwm = (int(fields[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM"))
        out.append((kind, rss, hwm))
    return out


@contextlib.contextmanager
def database(kind: str, pg_url: str, tmp: Path) -> Iterator[str]:
    """A fresh database for one run: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp}/bench.db"
        return
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    name = f"aduan_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

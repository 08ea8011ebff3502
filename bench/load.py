"""Load bench: signed Twilio webhooks against `aduan serve --workers N`, and the same load against a
bare Flask endpoint under the same gunicorn settings, on SQLite and on PostgreSQL (a fresh database per
run, dropped after). Loopback only; bounded by --seconds per step and --requests per server.

    make bench                                 # everything, defaults
    .venv/bin/python -m bench load -- --simulator --db sqlite --seconds 3
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.client import Result, run_level, simulator_requests, twilio_requests
from bench.procs import database, free_port, http_status, memory, wait_listening

TOKEN, ACCOUNT = "bench-auth-token-0123456789abcdef", "AC" + "0" * 32
CONFIG = """
[simulator]
enabled = true
[channels]
enabled = {channels}
[channels.twilio]
sms_from = "+6281100000000"
status_callbacks = false
api_base = "{api_base}"
[inbound]
queued = {queued}
[limits]
messages_per_minute = 0
messages_per_hour = 0
[logging]
level = "WARNING"
"""


SINKS: list[subprocess.Popen[bytes]] = []  # stand-in Twilio APIs, stopped with their gateway


def start(
    target: str, args: argparse.Namespace, tmp: Path, db_url: str, port: int
) -> subprocess.Popen[bytes]:
    bin_dir = Path(sys.executable).parent
    log = open(tmp / f"{target}.log", "ab")  # noqa: SIM115
    if target == "bare":
        body = "message" if args.inline or args.simulator else "empty"  # what the gateway returns
        cmd = [
            sys.executable,
            "-m",
            "bench.bare",
            str(port),
            str(args.workers),
            str(args.threads),
            body,
        ]
        return subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True)
    channels = '["simulator", "twilio"]' if not args.simulator else '["simulator"]'
    queued = "false" if args.inline else "true"
    sink_port = free_port()
    sink = [sys.executable, "-m", "bench.sink", str(sink_port), str(tmp / "sink.count")]
    SINKS.append(subprocess.Popen(sink, stdout=log, stderr=log, start_new_session=True))
    api_base = f"http://127.0.0.1:{sink_port}"
    (tmp / "bench.toml").write_text(
        CONFIG.format(channels=channels, queued=queued, api_base=api_base)
    )
    env = {
        **os.environ, "ADUAN_CONFIG": str(tmp / "bench.toml"), "DATABASE_URL": db_url,
        "PORT": str(port), "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_ACCOUNT_SID": ACCOUNT,
    }  # fmt: skip
    subprocess.run(
        [bin_dir / "aduan", "seed-demo"], env=env, cwd=tmp, check=True, stdout=log, stderr=log
    )
    cmd = [
        str(bin_dir / "aduan"),
        "serve",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        *(["--no-worker"] if args.no_worker else []),
    ]
    return subprocess.Popen(cmd, env=env, cwd=tmp, stdout=log, stderr=log, start_new_session=True)


def measure(target: str, args: argparse.Namespace, tmp: Path, db_url: str) -> dict | None:
    """Ramp up closed-loop concurrency, then hold 70 % of the best rate; returns the numbers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    make = simulator_requests if args.simulator else twilio_requests
    pool = iter(
        make(args.requests, base_url=base)
        if args.simulator
        else make(args.requests, base_url=base, token=TOKEN, account=ACCOUNT)
    )  # type: ignore[call-arg]
    proc = start(target, args, tmp, db_url, port)
    try:
        wait_listening(port, proc)
        first = http_status(port, next(pool))
        if first == 404:
            print(f"  {target}: /webhooks/twilio is missing (twilio channel not merged); "
                  "use `python -m bench load -- --simulator` to check the machinery")  # fmt: skip
            return None
        levels: list[tuple[int, Result]] = []
        for conc in args.levels:
            res = run_level(port, pool, concurrency=conc, seconds=args.seconds)
            levels.append((conc, res))
            print(f"  {target:8} c={conc:<3} {res.rate():7.0f} msg/s  p50 {res.pct(0.5):6.1f} ms  "
                  f"p95 {res.pct(0.95):6.1f}  p99 {res.pct(0.99):6.1f}  errors {res.errors}", flush=True)  # fmt: skip
            if res.exhausted:
                break
        ok = [r for _, r in levels if r.errors <= 0.01 * (len(r.latencies) + r.errors)] or [
            levels[0][1]
        ]
        best = max(r.rate() for r in ok)
        held = run_level(
            port, pool, concurrency=max(args.levels), seconds=args.seconds, rate=0.7 * best
        )
        print(f"  {target:8} at 70% ({0.7 * best:.0f}/s): {held.rate():.0f} msg/s  "
              f"p99 {held.pct(0.99):.1f} ms  errors {held.errors}", flush=True)  # fmt: skip
        mem = memory(proc.pid)
        result = {
            "best": best,
            "p99_70": held.pct(0.99),
            "errors": sum(r.errors for _, r in levels) + held.errors,
            "mem": mem,
        }
        if target == "gateway" and not args.inline and not args.no_worker:
            result["answering"] = answering(db_url, tmp, args.drain_seconds)
        return result
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        while SINKS:
            sink = SINKS.pop()
            sink.terminate()
            sink.wait(10)
        proc.wait(30)


def answering(db_url: str, tmp: Path, seconds: float) -> dict:
    """Queued intake: how fast the worker empties the backlog the run left (sampled for `seconds`),
    and how many replies reached the stand-in Twilio API."""
    from bot.inbox import backlog
    from store.db import make_engine

    engine = make_engine(db_url)
    try:
        start, t0 = backlog(engine), time.monotonic()
        time.sleep(seconds)
        left, dt = backlog(engine), time.monotonic() - t0
    finally:
        engine.dispose()
    rate = (start - left) / dt
    sent = int((tmp / "sink.count").read_text() or 0) if (tmp / "sink.count").exists() else 0
    print(f"  gateway  answering: backlog {start} -> {left} in {dt:.0f} s = {rate:.0f} msg/s; "
          f"replies accepted by the stand-in Twilio API so far: {sent}", flush=True)  # fmt: skip
    return {"backlog": left, "rate": rate, "sent": sent}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench load")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="per ramp step")
    parser.add_argument(
        "--levels", type=lambda s: [int(x) for x in s.split(",")], default=[2, 4, 8, 16, 32]
    )
    parser.add_argument(
        "--requests", type=int, default=100_000, help="pre-signed requests per server"
    )
    parser.add_argument(
        "--simulator", action="store_true", help="load /simulator/messages instead of Twilio"
    )
    parser.add_argument(
        "--inline",
        action="store_true",
        help="answer in the webhook request ([inbound] queued = false)",
    )
    parser.add_argument("--no-worker", action="store_true", help="measure intake alone")
    parser.add_argument(
        "--drain-seconds", type=float, default=10.0, help="queued: watch the worker this long"
    )
    args = parser.parse_args(argv)  # fmt: skip
    from bot.channels.registry import CHANNELS

    if "twilio" not in CHANNELS and not args.simulator:
        print("The twilio channel is not in this build: /webhooks/twilio is missing. "
              "Run `python -m bench load -- --simulator` to measure /simulator/messages instead.")  # fmt: skip
        return 0
    what = "/simulator/messages" if args.simulator else "signed Twilio webhooks"
    print(f"{what}; {args.workers} workers x {args.threads} threads; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.1f} at start")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="aduan-bench-") as scratch:
        tmp = Path(scratch)
        bare = measure("bare", args, tmp, "")
        for kind in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
            print(f"-- {kind}")
            with database(kind, args.pg_url, tmp) as url:
                gateway = measure("gateway", args, tmp, url)
            if gateway and bare:
                rss = ", ".join(f"{k} {r} MB (peak {h})" for k, r, h in gateway["mem"])
                print(f"  RESULT {kind}: gateway {gateway['best']:.0f} msg/s = "
                      f"{100 * gateway['best'] / bare['best']:.0f} % of bare Flask ({bare['best']:.0f}/s); "
                      f"p99 at 70 %: {gateway['p99_70']:.1f} ms; errors {gateway['errors']}; "
                      f"RSS per worker: {rss}", flush=True)  # fmt: skip
    return 0

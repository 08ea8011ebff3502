"""The `aduan` command: init-db, seed-demo, run, serve, worker, chat, scheduler, report, retention,
holidays."""

from __future__ import annotations

import json
import sys

import click

from bot.config import Config, ConfigError, load_config
from bot.runtime import utcnow


def _config() -> Config:
    from bot.logs import configure

    try:
        config = load_config()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    configure(config.logging.level, config.logging.format, config.secrets.values())
    return config


def _prepare(config: Config, *, seed: bool) -> bool:
    """Upgrade the schema; seed the demo desk on an empty database. True if it seeded. A database
    that cannot be reached or created stops the command with a message, not a traceback."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from bot.demo import seed_demo
    from store.db import init_db, make_engine, session_scope

    try:
        engine = make_engine(config.database.url)
        init_db(engine)
        if not seed:
            return False
        with session_scope(engine) as session:
            return seed_demo(session, now=utcnow())
    except (OperationalError, OSError) as exc:
        where = make_url(config.database.url).render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise click.ClickException(f"cannot open the database {where}: {reason}") from exc


@click.group()
def main() -> None:
    """Aduan: citizens' complaints by SMS, WhatsApp and Telegram."""


@main.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the database schema (Alembic, to head)."""
    _prepare(_config(), seed=False)
    click.echo("Database schema is up to date.")


@main.command("seed-demo")
def seed_demo_command() -> None:
    """Add the demo units, answers and logins if the database has no units yet."""
    seeded = _prepare(_config(), seed=True)
    click.echo("Demo data added." if seeded else "Database already has units; nothing added.")


@main.command("run")
@click.option("--host", default=None, help="Address to listen on (default from config: 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: $PORT or config, 5000).")
def run_command(host: str | None, port: int | None) -> None:
    """Serve the gateway, the admin and the simulator for trying Aduan locally."""
    from bot.app import create_app
    from bot.demo import COMMITTEE_PASSWORD, DEMO_COMMITTEE, DEMO_LOGINS

    config = _config()
    seeded = _prepare(config, seed=True)
    host, port = host or config.server.host, port or config.server.port
    base = f"http://{host}:{port}"
    click.echo(f"Aduan is running ({'demo data added' if seeded else 'existing database'}).")
    if config.simulator.enabled:
        click.echo(f"  Simulator: {base}/simulator")
    click.echo(f"  Admin:     {base}/admin/")
    click.echo(f"  Webhooks:  {base}/webhooks/<channel>")
    click.echo(f"  Health:    {base}/healthz")
    click.echo("  Demo logins: " + ", ".join(f"{u} / {p}" for u, p, *_ in DEMO_LOGINS))
    committee = "/".join(u for u, *_ in DEMO_COMMITTEE)
    click.echo(f"  Committee:   {committee} / {COMMITTEE_PASSWORD} (phones 081100000001-3)")
    app = create_app(config)
    if config.inbound.queued:
        from bot import worker

        worker.start_background(app.extensions["aduan"])
        click.echo("  Worker:    in this process (answers queued webhook messages)")
    if not config.scheduler.in_web:  # in_web: create_app started it already
        from bot.scheduler import start_background

        start_background(_node(app.extensions["aduan"]))
        click.echo("  Scheduler: in this process (reminders, escalation, digests, recap)")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


def _node(runtime):  # type: ignore[no-untyped-def]
    from bot.scheduler import Node

    return Node(runtime.engine, runtime.desk, runtime.channels, clock=runtime.clock)


@main.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduler alone (reminders, escalation, auto-close, retries, digests, the recap)."""
    from bot.runtime import build_runtime
    from bot.scheduler import build

    config = _config()
    _prepare(config, seed=False)
    node = _node(build_runtime(config))
    click.echo(f"Scheduler {node.holder}: runs the jobs while it holds the lease.")
    try:
        build(node, blocking=True).start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        node.stop()


@main.group("report")
def report_group() -> None:
    """Reports: the monthly recap."""


@report_group.command("monthly")
@click.option("--month", required=True, help="The month, e.g. 2026-10.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="recap.xlsx or .csv")
def report_monthly(month: str, out: str) -> None:
    """Write the monthly recap (rekapitulasi bulanan) as XLSX, or as CSV when --out ends in .csv."""
    import re
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from bot import report, sla
    from store.db import make_engine, read_session

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise click.BadParameter("use YYYY-MM, e.g. 2026-10", param_hint="--month")
    config = _config()
    _prepare(config, seed=False)  # a database without the schema yet: an empty recap, no traceback
    tz = config.app.timezone
    with read_session(make_engine(config.database.url)) as session:
        office = sla.office_hours(config.sla, tz)
        recap = report.monthly(session, month, tz=tz, now=utcnow(), office=office)
    if out.lower().endswith(".csv"):
        Path(out).write_text(report.summary_csv(recap), encoding="utf-8")
    else:
        report.write_xlsx(recap, out, tz=ZoneInfo(tz))
    fig = recap.overall
    click.echo(f"{month}: {fig.received} received, {fig.answered} answered -> {out}")


@main.command("chat")
@click.option(
    "--from", "sender", required=True, help="The citizen's phone number, e.g. 081234567890."
)
def chat_command(sender: str) -> None:
    """Talk to the bot in the terminal as a citizen (through the simulator channel)."""
    from bot.channels.base import Rejected, WebhookRequest
    from bot.channels.simulator import Simulator
    from bot.runtime import build_runtime

    config = _config()
    _prepare(config, seed=True)
    runtime = build_runtime(config)
    stream = sys.stdin
    interactive = stream.isatty()
    if interactive:
        click.echo("Ketik pesan lalu Enter; Ctrl-D untuk keluar.")
    while True:
        if interactive:
            click.echo("> ", nl=False)
        line = stream.readline()
        if not line:
            break
        if not line.strip():
            continue
        body = json.dumps({"from": sender, "text": line.rstrip("\n")}).encode()
        try:
            (msg,) = Simulator().parse_inbound(WebhookRequest("POST", "", body=body))
        except Rejected as exc:
            raise click.ClickException(str(exc)) from exc
        for reply in runtime.receive(msg, inline=True).replies:
            click.echo(f"< {reply}")


@main.command("retention")
@click.option("--dry-run", is_flag=True, help="Only report what would be anonymised.")
def retention_command(dry_run: bool) -> None:
    """Anonymise closed tickets older than [retention] anonymise_after_months (UU PDP)."""
    from bot.retention import anonymise_closed
    from store.db import make_engine, session_scope

    config = _config()
    _prepare(config, seed=False)
    with session_scope(make_engine(config.database.url)) as session:
        report = anonymise_closed(session, now=utcnow(), policy=config.retention, dry_run=dry_run)
    for line in report.lines():
        click.echo(line)


@main.group("holidays")
def holidays_group() -> None:
    """The public holiday lists the office-hours SLA clock skips (bot/holidays/<year>.toml)."""


@holidays_group.command("check")
def holidays_check() -> None:
    """Fail when this year's list (from 1 December also next year's) is missing: run it from cron."""
    from datetime import date
    from zoneinfo import ZoneInfo

    from bot import holidays

    config = _config()
    today = utcnow().astimezone(ZoneInfo(config.app.timezone)).date()
    click.echo(f"holiday lists: {', '.join(map(str, holidays.years())) or 'none'}")
    missing = holidays.missing(today)
    if not (config.sla.office_hours and config.sla.national_holidays):
        click.echo("the SLA clock does not use them ([sla] office_hours / national_holidays)")
    elif missing:
        days = sum(d.year in missing for d in map(date.fromisoformat, config.sla.extra_holidays))
        raise click.ClickException(
            f"no holiday list for {', '.join(map(str, missing))} (bot/holidays/<year>.toml; "
            f"[sla] extra_holidays has {days} day(s) there): add the file, see the README"
        )
    else:
        click.echo(f"ok for {', '.join(map(str, holidays.needed(today)))}")


@main.command("serve")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker (gthread worker when > 1).")  # fmt: skip
@click.option("--host", default=None, help="Address to listen on (default from config).")
@click.option("--port", default=None, type=int, help="Port (default: $PORT or config, 5000).")
@click.option(
    "--timeout", default=30, show_default=True, help="Seconds before a stuck worker is killed."
)
@click.option(
    "--no-worker",
    is_flag=True,
    help="With [inbound] queued: do not start the inbox worker here (run `aduan worker` elsewhere).",
)
def serve_command(
    workers: int, threads: int, host: str | None, port: int | None, timeout: int, no_worker: bool
) -> None:
    """Serve the gateway in production: gunicorn with N worker processes."""
    from bot.server import serve

    config = _config()
    _prepare(config, seed=False)  # migrate once, before the workers fork
    host, port = host or config.server.host, port or config.server.port
    count = config.inbound.workers if config.inbound.queued and not no_worker else 0
    queued = f" and {count} inbox worker{'s' if count != 1 else ''}" if count else ""
    click.echo(f"Aduan serving on http://{host}:{port} with {workers} workers{queued}.", err=True)
    serve(
        config,
        worker=not no_worker,
        host=host,
        port=port,
        workers=workers,
        threads=threads,
        timeout=timeout,
    )


@main.command("worker")
def worker_command() -> None:
    """Answer the messages that queued webhooks stored ([inbound] queued = true)."""
    from bot import worker

    _prepare(_config(), seed=False)
    click.echo("Inbox worker: answering queued messages (Ctrl-C to stop).", err=True)
    worker.main()


# `aduan eval routing|answers` lives in its own module (issue 7); registered here.
from bot.eval_cli import eval_group  # noqa: E402

main.add_command(eval_group)

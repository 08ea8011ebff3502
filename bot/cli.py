"""The `aduan` command: init-db, seed-demo, run, chat."""

from __future__ import annotations

import json
import sys

import click

from bot.config import Config, ConfigError, load_config
from bot.runtime import utcnow


def _config() -> Config:
    try:
        return load_config()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def _prepare(config: Config, *, seed: bool) -> bool:
    """Upgrade the schema; seed the demo desk on an empty database. True if it seeded."""
    from bot.demo import seed_demo
    from store.db import init_db, make_engine, session_scope

    engine = make_engine(config.database.url)
    init_db(engine)
    if not seed:
        return False
    with session_scope(engine) as session:
        return seed_demo(session, now=utcnow())


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
    from bot.demo import DEMO_LOGINS

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
    app = create_app(config)
    app.run(host=host, port=port, threaded=True, use_reloader=False)


@main.command("chat")
@click.option(
    "--from", "sender", required=True, help="The citizen's phone number, e.g. 081234567890."
)
def chat_command(sender: str) -> None:
    """Talk to the bot in the terminal as a citizen (through the simulator channel)."""
    from bot.app import create_app
    from bot.channels.base import Rejected, WebhookRequest
    from bot.channels.simulator import Simulator

    config = _config()
    _prepare(config, seed=True)
    runtime = create_app(config).extensions["aduan"]
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


# `aduan eval routing|answers` lives in its own module (issue 7); registered here.
from bot.eval_cli import eval_group  # noqa: E402

main.add_command(eval_group)

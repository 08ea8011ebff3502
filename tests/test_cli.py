"""The `aduan` command on a real database file."""

from __future__ import annotations

from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from store.db import make_engine, session_scope
from store.models import StaffUser, Unit


def _env(tmp_path):
    return {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.db", "ADUAN_CONFIG": ""}


def test_init_db_then_seed_demo_once(tmp_path):
    runner = CliRunner()
    env = _env(tmp_path)
    assert runner.invoke(main, ["init-db"], env=env).exit_code == 0
    first = runner.invoke(main, ["seed-demo"], env=env)
    second = runner.invoke(main, ["seed-demo"], env=env)
    assert "Demo data added" in first.output and "nothing added" in second.output
    engine = make_engine(env["DATABASE_URL"])
    with session_scope(engine) as s:
        codes = {u.code for u in s.exec(select(Unit))}
        users = {u.username: u.role for u in s.exec(select(StaffUser))}
    assert {
        "DISHUB",
        "DINKES",
        "DISDIK",
        "DPUPR",
        "DISDUKCAPIL",
        "DLH",
        "DINSOS",
        "PDAM",
        "SATPOLPP",
    } == codes
    assert users == {
        "admin": "admin",
        "petugas": "officer",
        "anggota": "committee",
        "ketua": "committee",
        "pengarah": "committee",
    }


def test_chat_answers_in_the_terminal(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main,
        ["chat", "--from", "081234567890"],
        env=_env(tmp_path),
        input="DISHUB #lampu lalu lintas di simpang lima mati\nSTATUS\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("< ") >= 2 and "Dinas Perhubungan" in result.output


def test_bad_config_stops_with_the_key(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[sla]\ndefualt_hours = 5\n")
    result = CliRunner().invoke(main, ["init-db"], env={"ADUAN_CONFIG": str(cfg)})
    assert result.exit_code != 0 and "sla.defualt_hours" in result.output


def test_aduan_worker_answers_what_queued_intake_stored(tmp_path):
    """`aduan worker` as its own process: it handles the inbox, and SIGTERM stops it cleanly."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from datetime import UTC, datetime
    from pathlib import Path

    from bot import inbox
    from bot.messages import InboundMessage
    from store.models import Message

    (tmp_path / "aduan.toml").write_text("[inbound]\nqueued = true\n[logging]\nlevel = 'WARNING'\n")
    env = {**os.environ, **_env(tmp_path), "ADUAN_CONFIG": str(tmp_path / "aduan.toml")}
    aduan = str(Path(sys.executable).with_name("aduan"))
    subprocess.run([aduan, "seed-demo"], env=env, cwd=tmp_path, check=True, capture_output=True)
    engine = make_engine(env["DATABASE_URL"])
    phone = "+6281234567890"
    text = "DISHUB #lampu lalu lintas di simpang lima mati"
    inbox.accept(
        engine,
        [InboundMessage("simulator", phone, text, "w-1", phone=phone)],
        now=datetime.now(UTC),
    )
    proc = subprocess.Popen([aduan, "worker"], env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while inbox.backlog(engine):
            assert time.monotonic() < deadline and proc.poll() is None, "the worker did not answer"
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(20)
    assert code == 0, proc.stderr.read().decode()[-2000:] if proc.stderr else code
    with session_scope(engine) as s:
        (msg,) = s.exec(select(Message).where(Message.direction == "in")).all()
    assert msg.provider_id == "w-1" and msg.ticket_id is not None


def test_the_inbox_worker_process_loads_no_web_app(tmp_path):
    """`python -m bot.worker` (what `aduan serve` starts) builds its runtime without Flask, the admin
    or Alembic: each would cost the worker megabytes it never uses."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, **_env(tmp_path)}
    aduan = str(Path(sys.executable).with_name("aduan"))
    subprocess.run([aduan, "seed-demo"], env=env, cwd=tmp_path, check=True, capture_output=True)
    probe = (
        "import json, sys, bot.worker\n"
        "from bot.config import load_config\n"
        "from bot.runtime import build_runtime\n"
        "runtime = build_runtime(load_config())\n"
        "print(json.dumps({'channels': sorted(runtime.channels),"
        " 'loaded': sorted(m for m in ('flask', 'admin', 'alembic') if m in sys.modules)}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=tmp_path, check=True, capture_output=True
    )
    assert json.loads(out.stdout) == {"channels": ["simulator"], "loaded": []}


def test_unreachable_database_stops_with_a_message(tmp_path):
    """A DATABASE_URL whose server is down, or a SQLite file that cannot be created: one line naming
    the database (without its password), not a traceback."""
    runner = CliRunner()
    (tmp_path / "file").write_text("")
    for url in (
        "postgresql+psycopg://aduan:rahasia@127.0.0.1:1/aduan",
        f"sqlite:///{tmp_path}/file/aduan.db",
    ):
        for command in (["init-db"], ["retention", "--dry-run"]):
            result = runner.invoke(main, command, env={"DATABASE_URL": url, "ADUAN_CONFIG": ""})
            assert result.exit_code == 1, result.output
            assert result.exception is None or isinstance(result.exception, SystemExit)
            assert "Error: cannot open the database" in result.output, result.output
            assert "rahasia" not in result.output


def test_report_on_a_new_database(tmp_path):
    out = tmp_path / "recap.csv"
    result = CliRunner().invoke(
        main, ["report", "monthly", "--month", "2026-10", "--out", str(out)], env=_env(tmp_path)
    )
    assert result.exit_code == 0, result.output
    assert "0 received" in result.output and out.read_text().startswith("month,")


def test_holidays_check_fails_from_december_without_next_years_list(tmp_path, monkeypatch):
    from datetime import UTC, datetime

    from bot import cli, holidays

    monkeypatch.setattr(holidays, "years", lambda: [2026])  # as shipped when this was written
    cfg = tmp_path / "aduan.toml"
    cfg.write_text('[sla]\noffice_hours = true\nextra_holidays = ["2027-01-01"]\n')
    env = {"ADUAN_CONFIG": str(cfg)}
    monkeypatch.setattr(cli, "utcnow", lambda: datetime(2026, 11, 30, 3, 0, tzinfo=UTC))
    ok = CliRunner().invoke(main, ["holidays", "check"], env=env)
    assert ok.exit_code == 0 and "ok for 2026" in ok.output, ok.output
    monkeypatch.setattr(cli, "utcnow", lambda: datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    late = CliRunner().invoke(main, ["holidays", "check"], env=env)
    assert late.exit_code != 0 and "no holiday list for 2027" in late.output
    assert "extra_holidays has 1 day(s)" in late.output
    off = CliRunner().invoke(main, ["holidays", "check"], env={"ADUAN_CONFIG": ""})
    assert off.exit_code == 0 and "does not use them" in off.output

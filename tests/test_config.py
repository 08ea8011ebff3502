"""Config: the example files load, every key is documented, bad keys and values stop start-up."""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from pathlib import Path

import pytest

from bot.config import SECTIONS, ConfigError, build_config, load_config

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["config.example.toml", "config.demo.toml"])
def test_shipped_config_files_load(name):
    cfg = load_config(ROOT / name, environ={})
    assert cfg.sla.default_hours == 5.0


def test_example_documents_every_key():
    data = tomllib.loads((ROOT / "config.example.toml").read_text())

    def check(name: str, table: dict, cls: type) -> None:
        assert set(table) == {f.name for f in dataclasses.fields(cls)}, (
            f"[{name}] in config.example.toml"
        )
        for f in dataclasses.fields(cls):
            if dataclasses.is_dataclass(sub := typing.get_type_hints(cls)[f.name]):
                check(f"{name}.{f.name}", table[f.name], sub)

    for section, cls in SECTIONS.items():
        check(section, data.get(section, {}), cls)


def test_environment_overrides_and_secrets():
    env = {
        "DATABASE_URL": "postgresql+psycopg://x@h/db",
        "PORT": "8080",
        "TWILIO_AUTH_TOKEN": "t0k",
        "PUBLIC_BASE_URL": "https://aduan.example.go.id/",
    }
    cfg = build_config({"server": {"port": 5000}}, env)
    assert cfg.database.url == "postgresql+psycopg://x@h/db"
    assert cfg.server.port == 8080
    assert cfg.secret("TWILIO_AUTH_TOKEN") == "t0k" and cfg.secret("TELEGRAM_BOT_TOKEN") == ""
    assert cfg.public_base_url == "https://aduan.example.go.id"


@pytest.mark.parametrize(
    ("data", "env", "message"),
    [
        ({"sla": {"defualt_hours": 5}}, {}, "sla.defualt_hours"),
        ({"slas": {}}, {}, "slas"),
        ({"sla": {"default_hours": "lima"}}, {}, "sla.default_hours"),
        ({"sla": {"default_hours": 0}}, {}, "sla.default_hours"),
        ({"server": {"port": 70000}}, {}, "server.port"),
        ({"server": {"port": True}}, {}, "server.port"),
        ({"app": {"language": "fr"}}, {}, "app.language"),
        ({"app": {"timezone": "Asia/Atlantis"}}, {}, "app.timezone"),
        ({"channels": {"enabled": ["sms"]}}, {}, "channels.enabled"),
        ({"channels": {"enabled": "twilio"}}, {}, "channels.enabled"),
        ({"answers": {"draft_threshold": 2}}, {}, "answers.draft_threshold"),
        ({"simulator": "yes"}, {}, "simulator"),
        ({"channels": {"kannel": {"alowed_ips": []}}}, {}, "channels.kannel.alowed_ips"),
        ({"channels": {"gammu": {"poll_seconds": 0}}}, {}, "channels.gammu.poll_seconds"),
        ({"media": {"max_bytes": 100}}, {}, "media.max_bytes"),
        ({"media": {"max_attempts": 0}}, {}, "media.max_attempts"),
        ({}, {"PORT": "lima ribu"}, "PORT"),
        ({"app": {"timezone": "Asia"}}, {}, "app.timezone"),
        ({"database": {"url": "instance/aduan.db"}}, {}, "database.url"),
        ({"database": {"url": "mysql://aduan@db/aduan"}}, {}, "database.url"),
        ({}, {"DATABASE_URL": "postgres://aduan@db/aduan"}, "DATABASE_URL"),
        ({}, {"DATABASE_URL": "postgresql://aduan@db/aduan"}, "DATABASE_URL"),
        (
            {"channels": {"kannel": {"allowed_ips": ["10.0.0.300"]}}},
            {},
            "channels.kannel.allowed_ips",
        ),
        ({"inbound": {"flood_rate": -1}}, {}, "inbound.flood_rate"),
        ({"admin": {"progress_link_days": 0}}, {}, "admin.progress_link_days"),
        ({}, {"PUBLIC_BASE_URL": "aduan.example.go.id"}, "PUBLIC_BASE_URL"),
        ({"app": {"default_region": "XX"}}, {}, "app.default_region"),
        ({"jobs": {"staff_channel": "telegram"}}, {}, "jobs.staff_channel"),
        ({"committee": {"default_channel": "twilio"}}, {}, "committee.default_channel"),
    ],
    ids=[
        "typo-key",
        "unknown-section",
        "wrong-type",
        "zero-hours",
        "port-range",
        "bool-port",
        "language",
        "timezone",
        "unknown-channel",
        "list-expected",
        "threshold-range",
        "section-not-table",
        "nested-typo",
        "nested-range",
        "media-cap-too-small",
        "media-no-attempts",
        "env-port",
        "timezone-folder",
        "url-not-a-url",
        "url-unsupported-database",
        "env-url-old-postgres-scheme",
        "env-url-without-psycopg",
        "kannel-bad-address",
        "flood-rate-negative",
        "progress-link-days-zero",
        "base-url-without-scheme",
        "unknown-region",
        "staff-channel-not-enabled",
        "committee-channel-not-enabled",
    ],
)
def test_bad_config_names_the_key(data, env, message):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        build_config(data, env)


def test_missing_and_broken_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", environ={})
    bad = tmp_path / "bad.toml"
    bad.write_text("[sla\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad, environ={})


def test_aduan_config_names_the_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[sla]\ndefault_hours = 3\n")
    assert load_config(environ={"ADUAN_CONFIG": str(path)}).sla.default_hours == 3.0

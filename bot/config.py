"""Configuration: config.toml read with tomllib into frozen dataclasses; secrets from the environment.

Stdlib only. Unknown keys and values of the wrong type or range stop start-up with a message that
names the key, because a typo in a config file must never silently fall back to a default.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CHANNEL_NAMES = ("simulator", "twilio", "telegram", "whatsapp", "kannel", "gammu")
LANGUAGES = ("id", "en")
DEFAULT_DB_URL = "sqlite:///instance/aduan.db"

# Environment variables that hold secrets; never read from the TOML file.
SECRET_ENV = (
    "ADUAN_SECRET_KEY",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_VERIFY_TOKEN",
    "WHATSAPP_ACCESS_TOKEN",
    "WHATSAPP_PHONE_NUMBER_ID",
    "KANNEL_SENDSMS_URL",
    "KANNEL_USERNAME",
    "KANNEL_PASSWORD",
    "KANNEL_WEBHOOK_SECRET",
)


class ConfigError(ValueError):
    """A config file or environment value that cannot be used."""


@dataclass(frozen=True)
class AppConfig:
    language: str = "id"
    timezone: str = "Asia/Jakarta"
    default_region: str = "ID"
    max_message_chars: int = 1600
    desk_name: str = "Layanan Aduan"


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = DEFAULT_DB_URL


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 5000


@dataclass(frozen=True)
class SlaConfig:
    default_hours: float = 5.0


@dataclass(frozen=True)
class AnswersConfig:
    draft_threshold: float = 0.3
    auto_send_threshold: float = 0.75


@dataclass(frozen=True)
class SimulatorConfig:
    enabled: bool = False


@dataclass(frozen=True)
class TwilioConfig:
    sms_from: str = ""  # the Twilio number (E.164) or a Messaging Service SID (MG...)
    whatsapp_from: str = ""  # "whatsapp:+62..." sender for WhatsApp through Twilio
    whatsapp_template_sid: str = ""  # approved Content SID sent when the 24-hour window is closed
    status_callbacks: bool = True  # ask Twilio for delivery receipts at /webhooks/twilio/status


@dataclass(frozen=True)
class TelegramConfig:
    api_base: str = "https://api.telegram.org"


@dataclass(frozen=True)
class WhatsAppConfig:
    api_base: str = "https://graph.facebook.com"
    api_version: str = "v21.0"
    template_name: str = ""  # approved template sent when the 24-hour window is closed
    template_language: str = "id"


@dataclass(frozen=True)
class KannelConfig:
    allowed_ips: tuple[str, ...] = ("127.0.0.1",)
    sender: str = ""  # the short code or number replies come from
    dlr_mask: int = 31


@dataclass(frozen=True)
class GammuConfig:
    database_url: str = ""  # Gammu SMSD's own database (its inbox/outbox tables)
    poll_seconds: int = 10


@dataclass(frozen=True)
class ChannelsConfig:
    enabled: tuple[str, ...] = ("simulator",)
    twilio: TwilioConfig = field(default_factory=TwilioConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    whatsapp: WhatsAppConfig = field(default_factory=WhatsAppConfig)
    kannel: KannelConfig = field(default_factory=KannelConfig)
    gammu: GammuConfig = field(default_factory=GammuConfig)


@dataclass(frozen=True)
class DeliveryConfig:
    max_attempts: int = 5
    retry_base_seconds: int = 30


@dataclass(frozen=True)
class AdminConfig:
    progress_link: bool = True  # acknowledgements carry a /t/<token> link (only if public_base_url)
    progress_link_days: int = 90  # how long such a link keeps working


@dataclass(frozen=True)
class Config:
    app: AppConfig = field(default_factory=AppConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    server: ServerConfig = field(default_factory=ServerConfig)
    sla: SlaConfig = field(default_factory=SlaConfig)
    answers: AnswersConfig = field(default_factory=AnswersConfig)
    simulator: SimulatorConfig = field(default_factory=SimulatorConfig)
    channels: ChannelsConfig = field(default_factory=ChannelsConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    admin: AdminConfig = field(default_factory=AdminConfig)
    secrets: Mapping[str, str] = field(default_factory=dict)
    public_base_url: str = ""
    source: str = "<defaults>"

    def secret(self, name: str) -> str:
        """The secret from the environment, or '' when unset."""
        return self.secrets.get(name, "")


NOT_SECTIONS = ("secrets", "public_base_url", "source")
SECTIONS: dict[str, type] = {
    name: hint for name, hint in typing.get_type_hints(Config).items() if name not in NOT_SECTIONS
}


def _coerce(key: str, value: object, hint: object) -> object:
    """Check one TOML value against a field's type; lists become tuples, tables nested sections."""
    if dataclasses.is_dataclass(hint):
        return _section(key, hint, value)  # type: ignore[arg-type]
    origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"config key '{key}' must be a list of strings")
        return tuple(value)
    if hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value  # type: ignore[arg-type]
    else:
        ok = isinstance(value, hint) if isinstance(hint, type) else True
    if not ok:
        name = getattr(hint, "__name__", str(hint))
        raise ConfigError(f"config key '{key}' must be {name}, got {type(value).__name__}")
    return value


def _section(name: str, cls: type, data: object) -> object:
    if not isinstance(data, dict):
        raise ConfigError(f"config key '{name}' must be a table ([{name}])")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    values = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"unknown config key '{name}.{key}'")
        values[key] = _coerce(f"{name}.{key}", value, hints[key])
    return cls(**values)


def _validate(cfg: Config) -> None:
    """Range checks that types alone cannot express."""
    checks = [
        (cfg.app.language in LANGUAGES, "app.language", f"one of {', '.join(LANGUAGES)}"),
        (1 <= cfg.server.port <= 65535, "server.port", "between 1 and 65535"),
        (cfg.sla.default_hours > 0, "sla.default_hours", "greater than 0"),
        (0 <= cfg.answers.draft_threshold <= 1, "answers.draft_threshold", "between 0 and 1"),
        (
            0 <= cfg.answers.auto_send_threshold <= 1,
            "answers.auto_send_threshold",
            "between 0 and 1",
        ),
        (cfg.app.max_message_chars >= 160, "app.max_message_chars", "at least 160"),
        (cfg.delivery.max_attempts >= 1, "delivery.max_attempts", "at least 1"),
        (cfg.delivery.retry_base_seconds >= 1, "delivery.retry_base_seconds", "at least 1"),
        (cfg.channels.gammu.poll_seconds >= 1, "channels.gammu.poll_seconds", "at least 1"),
        (bool(cfg.database.url), "database.url", "a SQLAlchemy URL"),
    ]
    for ok, key, expected in checks:
        if not ok:
            raise ConfigError(f"config key '{key}' must be {expected}")
    for name in cfg.channels.enabled:
        if name not in CHANNEL_NAMES:
            raise ConfigError(
                f"config key 'channels.enabled': unknown channel '{name}' (known: {', '.join(CHANNEL_NAMES)})"
            )
    try:
        ZoneInfo(cfg.app.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"config key 'app.timezone': unknown time zone '{cfg.app.timezone}'"
        ) from exc


def build_config(
    data: Mapping[str, object], environ: Mapping[str, str], source: str = "<dict>"
) -> Config:
    """Config from parsed TOML data plus the environment (DATABASE_URL, PORT, PUBLIC_BASE_URL, secrets)."""
    sections: dict[str, object] = {}
    for name, value in data.items():
        if name not in SECTIONS:
            raise ConfigError(f"unknown config section or key '{name}'")
        sections[name] = _section(name, SECTIONS[name], value)
    cfg = Config(**sections, source=source)  # type: ignore[arg-type]
    overrides: dict[str, object] = {}
    if environ.get("DATABASE_URL"):
        overrides["database"] = DatabaseConfig(url=environ["DATABASE_URL"])
    if environ.get("PORT"):
        try:
            port = int(environ["PORT"])
        except ValueError as exc:
            raise ConfigError(
                f"environment variable PORT must be a number, got {environ['PORT']!r}"
            ) from exc
        overrides["server"] = dataclasses.replace(cfg.server, port=port)
    secrets = types.MappingProxyType({k: environ[k] for k in SECRET_ENV if environ.get(k)})
    base_url = environ.get("PUBLIC_BASE_URL", "").rstrip("/")
    cfg = dataclasses.replace(cfg, secrets=secrets, public_base_url=base_url, **overrides)
    _validate(cfg)
    return cfg


def load_config(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read the file named by path or ADUAN_CONFIG (defaults only if neither is given)."""
    environ = os.environ if environ is None else environ
    path = path or environ.get("ADUAN_CONFIG")
    if not path:
        return build_config({}, environ)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    return build_config(data, environ, source=str(path))

"""Configuration: config.toml read with tomllib into frozen dataclasses; secrets from the environment.

Stdlib only. Unknown keys and values of the wrong type or range stop start-up with a message that
names the key, because a typo in a config file must never silently fall back to a default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import logging
import os
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

CHANNEL_NAMES = ("simulator", "twilio", "telegram", "whatsapp", "kannel", "gammu")
LANGUAGES = ("id", "en")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_DB_URL = "sqlite:///instance/aduan.db"
# SQLite, or PostgreSQL through psycopg 3 (the driver installed; a bare postgresql:// means psycopg2)
DB_URL = re.compile(r"(sqlite(\+pysqlite)?|postgresql\+psycopg)://.*", re.DOTALL)

# Environment variables that hold secrets; never read from the TOML file.
SECRET_ENV = (
    "ADUAN_SECRET_KEY",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_API_KEY_SID",
    "TWILIO_API_KEY_SECRET",
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
class PriorityFactors:
    """How a ticket's priority scales its unit's target (0.5 = half the time)."""

    urgent: float = 0.5
    high: float = 0.75
    normal: float = 1.0
    low: float = 2.0


@dataclass(frozen=True)
class SlaConfig:
    default_hours: float = 5.0
    office_hours: bool = False  # count the clock only in office hours
    office_start: str = "08:00"
    office_end: str = "16:00"
    office_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    national_holidays: bool = True  # the shipped list in bot/holidays/<year>.toml
    extra_holidays: tuple[str, ...] = ()  # "YYYY-MM-DD": local holidays, extra cuti bersama
    reminder_at: float = 0.6  # first reminder at this share of the target
    final_reminder_at: float = 0.9
    priority: PriorityFactors = field(default_factory=PriorityFactors)


@dataclass(frozen=True)
class JobsConfig:
    auto_close_days: int = 3  # close answered tickets the citizen left silent this long (0: never)
    digest_time: str = "07:00"  # local time of the daily digest to each unit's officers
    recap_time: str = "07:00"  # local time on the 1st when the monthly summary goes out
    staff_channel: str = ""  # for staff without a preferred channel ("" = first enabled channel)


@dataclass(frozen=True)
class SchedulerConfig:
    lease_seconds: int = 45  # another process takes over this long after the holder stops renewing
    renew_seconds: int = 15
    in_web: bool = False  # every web process also runs a scheduler node (the lease picks one)


@dataclass(frozen=True)
class InboundConfig:
    queued: bool = False  # webhooks store the message and return; `aduan worker` answers it
    worker_batch: int = 200  # messages a worker takes per round
    workers: int = 1  # inbox worker processes `aduan serve` starts
    flood_rate: int = 100  # msg/s arriving: above it a worker answers at a quarter pace (0: never)


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
    api_base: str = "https://api.twilio.com"  # REST base URL (a proxy, or a local fake in benches)


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
    # smsbox's sms-service max-messages: replies in the response body beyond this many SMS would be
    # cut by Kannel, so such a reply (and any after it) goes out through sendsms instead
    reply_max_messages: int = 3


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
class MediaConfig:
    """Fetching citizens' files from Twilio, Telegram and WhatsApp Cloud (bot.media)."""

    max_bytes: int = 10 * 1024 * 1024  # a larger file stays a reference at the provider
    max_attempts: int = 5  # tries per file before it is marked failed
    retry_base_seconds: int = 60  # first retry delay; it doubles with each try


@dataclass(frozen=True)
class LimitsConfig:
    messages_per_minute: int = 10  # per sender number; 0 = no limit
    messages_per_hour: int = 60
    max_request_bytes: int = 256 * 1024


@dataclass(frozen=True)
class RetentionConfig:
    anonymise_after_months: int = 24  # closed tickets older than this are anonymised; 0 = never


@dataclass(frozen=True)
class LoggingConfig:
    level: str = "INFO"
    format: str = "json"  # "json" (one object per line) or "kv" (key=value)


@dataclass(frozen=True)
class ConversationConfig:
    wait_hours: float = 24.0  # a pending question expires after this long
    ask_name: bool = False  # ask for the citizen's name before filing their first complaint
    confidential_keywords: tuple[str, ...] = ("RAHASIA",)
    # TIDAK reopens a ticket closed after its answer up to this many days after the closing (0: only
    # answered, not yet closed tickets); later, a new complaint is the citizen's way back
    reopen_days: int = 30


@dataclass(frozen=True)
class CommitteeConfig:
    ladder_hours: float = 4.0  # unacknowledged this long: anggota -> ketua -> pengarah
    default_channel: str = ""  # for members without a preferred channel; "" = first enabled
    info_part_chars: int = 459  # INFO sends the thread in parts of at most this many characters


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
    inbound: InboundConfig = field(default_factory=InboundConfig)
    simulator: SimulatorConfig = field(default_factory=SimulatorConfig)
    channels: ChannelsConfig = field(default_factory=ChannelsConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    media: MediaConfig = field(default_factory=MediaConfig)
    jobs: JobsConfig = field(default_factory=JobsConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    conversation: ConversationConfig = field(default_factory=ConversationConfig)
    committee: CommitteeConfig = field(default_factory=CommitteeConfig)
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


# Keys older config files may still carry: accepted with a warning, no effect.
RETIRED = {
    "sla.pause_while_waiting": "removed (it was never wired to the conversation); delete the line",
}


def _section(name: str, cls: type, data: object) -> object:
    if not isinstance(data, dict):
        raise ConfigError(f"config key '{name}' must be a table ([{name}])")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    values = {}
    for key, value in data.items():
        if f"{name}.{key}" in RETIRED:
            logging.getLogger(__name__).warning(
                "config key '%s.%s' is ignored: %s", name, key, RETIRED[f"{name}.{key}"]
            )
            continue
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
        (cfg.inbound.worker_batch >= 1, "inbound.worker_batch", "at least 1"),
        (cfg.inbound.flood_rate >= 0, "inbound.flood_rate", "0 (off) or more"),
        (cfg.admin.progress_link_days >= 1, "admin.progress_link_days", "at least 1"),
        (0 <= cfg.inbound.workers <= 16, "inbound.workers", "between 0 and 16"),
        (cfg.delivery.max_attempts >= 1, "delivery.max_attempts", "at least 1"),
        (cfg.delivery.retry_base_seconds >= 1, "delivery.retry_base_seconds", "at least 1"),
        (cfg.media.max_bytes >= 1024, "media.max_bytes", "at least 1024"),
        (cfg.media.max_attempts >= 1, "media.max_attempts", "at least 1"),
        (cfg.media.retry_base_seconds >= 1, "media.retry_base_seconds", "at least 1"),
        (cfg.channels.gammu.poll_seconds >= 1, "channels.gammu.poll_seconds", "at least 1"),
        (
            cfg.channels.kannel.reply_max_messages >= 1,
            "channels.kannel.reply_max_messages",
            "at least 1",
        ),
        (cfg.limits.messages_per_minute >= 0, "limits.messages_per_minute", "0 or more"),
        (cfg.limits.messages_per_hour >= 0, "limits.messages_per_hour", "0 or more"),
        (cfg.limits.max_request_bytes >= 4096, "limits.max_request_bytes", "at least 4096"),
        (
            cfg.retention.anonymise_after_months >= 0,
            "retention.anonymise_after_months",
            "0 (off) or more",
        ),
        (cfg.logging.format in ("json", "kv"), "logging.format", '"json" or "kv"'),
        (
            cfg.logging.level in ("DEBUG", "INFO", "WARNING", "ERROR"),
            "logging.level",
            "DEBUG, INFO, WARNING or ERROR",
        ),
        (cfg.conversation.wait_hours > 0, "conversation.wait_hours", "greater than 0"),
        (cfg.conversation.reopen_days >= 0, "conversation.reopen_days", "0 or more"),
        (cfg.committee.ladder_hours > 0, "committee.ladder_hours", "greater than 0"),
        (cfg.committee.info_part_chars >= 160, "committee.info_part_chars", "at least 160"),
        (
            cfg.committee.default_channel in ("", *cfg.channels.enabled),
            "committee.default_channel",
            "empty or one of channels.enabled",
        ),
        (
            cfg.app.default_region in phonenumbers.SUPPORTED_REGIONS,
            "app.default_region",
            "a region code phonenumbers knows, such as ID",
        ),
    ]
    for ok, key, expected in checks:
        if not ok:
            raise ConfigError(f"config key '{key}' must be {expected}")
    _validate_sla(cfg)
    for name in cfg.channels.enabled:
        if name not in CHANNEL_NAMES:
            raise ConfigError(
                f"config key 'channels.enabled': unknown channel '{name}' (known: {', '.join(CHANNEL_NAMES)})"
            )
    try:
        ZoneInfo(cfg.app.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # "Asia" is a folder: OSError
        raise ConfigError(
            f"config key 'app.timezone': unknown time zone '{cfg.app.timezone}'"
        ) from exc
    for value in cfg.channels.kannel.allowed_ips:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            raise ConfigError(
                f"config key 'channels.kannel.allowed_ips': '{value}' is not an address or CIDR range"
            ) from exc


def _validate_sla(cfg: Config) -> None:
    """SLA, jobs and scheduler values (kept apart from _validate so each stays short)."""
    sla, jobs, sched = cfg.sla, cfg.jobs, cfg.scheduler
    times = {"sla.office_start": sla.office_start, "sla.office_end": sla.office_end}
    times |= {"jobs.digest_time": jobs.digest_time, "jobs.recap_time": jobs.recap_time}
    for key, value in times.items():
        try:
            dt.time.fromisoformat(value)
        except ValueError as exc:
            raise ConfigError(f"config key '{key}' must be a time like 08:00") from exc
    if sla.office_start >= sla.office_end:
        raise ConfigError("config key 'sla.office_end' must be later than sla.office_start")
    for day in sla.office_days:
        if day not in WEEKDAYS:
            raise ConfigError(f"config key 'sla.office_days': unknown day '{day}'")
    for value in sla.extra_holidays:
        try:
            dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ConfigError(
                "config key 'sla.extra_holidays' takes dates like 2026-12-31"
            ) from exc
    factors = dataclasses.asdict(sla.priority).values()
    checks = [
        (all(f > 0 for f in factors), "sla.priority", "factors greater than 0"),
        (
            0 < sla.reminder_at < sla.final_reminder_at < 1,
            "sla.reminder_at",
            "0 < it < final_reminder_at < 1",
        ),
        (jobs.auto_close_days >= 0, "jobs.auto_close_days", "0 or more"),
        (
            jobs.staff_channel in ("", *cfg.channels.enabled),
            "jobs.staff_channel",
            "empty or one of channels.enabled",
        ),
        (
            0 < sched.renew_seconds < sched.lease_seconds,
            "scheduler.renew_seconds",
            "less than lease_seconds",
        ),
    ]
    for ok, key, expected in checks:
        if not ok:
            raise ConfigError(f"config key '{key}' must be {expected}")


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
    base_url = environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    if base_url and not re.fullmatch(r"https?://[^/\s?#]+(/\S*)?", base_url):
        # without the scheme every Twilio signature is checked against the wrong URL (403)
        raise ConfigError(
            "environment variable PUBLIC_BASE_URL must be an address like "
            f"https://aduan.example.go.id, got {base_url!r}"
        )
    if ("TWILIO_API_KEY_SID" in secrets) != ("TWILIO_API_KEY_SECRET" in secrets):
        raise ConfigError(
            "set both TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET (a Twilio API key), or neither"
        )
    cfg = dataclasses.replace(cfg, secrets=secrets, public_base_url=base_url, **overrides)
    if not DB_URL.fullmatch(cfg.database.url):
        url = cfg.database.url
        got = f"'{url.split('://')[0]}://…'" if "://" in url else "no 'scheme://'"  # no password
        key = "DATABASE_URL" if "database" in overrides else "config key 'database.url'"
        raise ConfigError(
            f"{key} must be a SQLite or PostgreSQL URL (sqlite:///instance/aduan.db, "
            f"postgresql+psycopg://user:password@host/db), got {got}"
        )
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

"""The one table of channels. Adding a provider means one module and one line here.

Factories import their module lazily, so a deployment loads only the adapters it enables.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from bot.channels.base import Channel
from bot.config import Config

Factory = Callable[[Config, httpx.Client], Channel]


def _simulator(_config: Config, _http: httpx.Client) -> Channel:
    from bot.channels.simulator import Simulator

    return Simulator()


def _kannel(config: Config, http: httpx.Client) -> Channel:
    from bot.channels.kannel import Kannel

    return Kannel(config, http)


def _gammu(config: Config, _http: httpx.Client) -> Channel:
    from bot.channels.gammu import Gammu

    return Gammu(config)


def _twilio(config: Config, http: httpx.Client) -> Channel:
    from bot.channels.twilio import Twilio

    return Twilio(
        config.channels.twilio,
        account_sid=config.secret("TWILIO_ACCOUNT_SID"),
        auth_token=config.secret("TWILIO_AUTH_TOKEN"),
        public_base_url=config.public_base_url,
        http=http,
        api_key_sid=config.secret("TWILIO_API_KEY_SID"),
        api_key_secret=config.secret("TWILIO_API_KEY_SECRET"),
    )


def _telegram(config: Config, http: httpx.Client) -> Channel:
    from bot.channels.telegram import Telegram

    return Telegram(
        config.channels.telegram,
        token=config.secret("TELEGRAM_BOT_TOKEN"),
        secret=config.secret("TELEGRAM_WEBHOOK_SECRET"),
        http=http,
    )


def _whatsapp(config: Config, http: httpx.Client) -> Channel:
    from bot.channels.whatsapp import WhatsApp

    return WhatsApp(config.channels.whatsapp, secrets=dict(config.secrets), http=http)


CHANNELS: dict[str, Factory] = {
    "simulator": _simulator,
    "kannel": _kannel,
    "gammu": _gammu,
    "twilio": _twilio,
    "telegram": _telegram,
    "whatsapp": _whatsapp,
}


def build_channels(config: Config, http: httpx.Client) -> dict[str, Channel]:
    """Instances of the channels the config enables (the simulator follows [simulator].enabled)."""
    names = set(config.channels.enabled)
    if config.simulator.enabled:
        names.add("simulator")
    return {name: CHANNELS[name](config, http) for name in sorted(names)}

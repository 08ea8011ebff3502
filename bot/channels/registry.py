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


CHANNELS: dict[str, Factory] = {
    "simulator": _simulator,
    "kannel": _kannel,
    "gammu": _gammu,
}


def build_channels(config: Config, http: httpx.Client) -> dict[str, Channel]:
    """Instances of the channels the config enables (the simulator follows [simulator].enabled)."""
    names = set(config.channels.enabled)
    if config.simulator.enabled:
        names.add("simulator")
    return {name: CHANNELS[name](config, http) for name in sorted(names)}

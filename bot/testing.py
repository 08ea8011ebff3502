"""Helpers the tests run in separate processes (spawned children must import them by module name).

Never imported by production code (import-linter forbids it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.config import Config, DatabaseConfig
from bot.replies import make_env
from bot.scheduler import Node
from bot.service import Desk
from store.db import make_engine


def scheduler_process(db_url: str, holder: str, moments: list[datetime], barrier: Any) -> None:
    """A scheduler process on its own engine: at each moment (all processes together), one run."""
    engine = make_engine(db_url)
    desk = Desk(Config(database=DatabaseConfig(url=db_url)), make_env())
    clock = {"now": moments[0]}
    node = Node(engine, desk, {}, clock=lambda: clock["now"], holder=holder)
    try:
        for moment in moments:
            clock["now"] = moment
            barrier.wait()  # start together
            node.run_once()
            barrier.wait()  # the test looks at the database between moments
    finally:
        engine.dispose()

"""Reply templates edited in the admin (TemplateOverride rows), as the loader names them."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from store.db import read_session
from store.models import TemplateOverride

log = logging.getLogger(__name__)
SUFFIX = ".txt.j2"


def overrides(session: Session) -> dict[str, str]:
    """{"<lang>/<key>.txt.j2": source} for every edited template."""
    rows = session.exec(select(TemplateOverride))
    return {f"{r.lang}/{r.key}{SUFFIX}": r.source for r in rows}


def load_overrides(engine: Engine) -> dict[str, str]:
    """The overrides at start-up; none (the shipped wording) when the schema is not there yet."""
    try:
        with read_session(engine) as session:
            return overrides(session)
    except sa.exc.SQLAlchemyError as exc:
        log.warning("reply template overrides not loaded: %s", type(exc).__name__)
        return {}


def save_override(
    session: Session, *, key: str, lang: str, source: str | None, actor: str, now: datetime
) -> str | None:
    """Store (or with source None, drop) one override; returns the previous source."""
    row = session.exec(
        select(TemplateOverride).where(TemplateOverride.key == key, TemplateOverride.lang == lang)
    ).first()
    before = row.source if row else None
    if source is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(
            TemplateOverride(key=key, lang=lang, source=source, updated_by=actor, updated_at=now)
        )
    else:
        row.source, row.updated_by, row.updated_at = source, actor, now
    session.flush()
    return before

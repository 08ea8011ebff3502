"""The editable ethics lexicon (table `ethicsterm`): read, add, rename, switch off and on.

The table is the one source of truth: screening reads the active terms per message, so an edit
counts from the next message on. Functions never commit."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from store.models import EthicsTerm

# The lexicon a new database starts with (migration 0104 seeds the list, 0113 adds the rest).
DEFAULT_TERMS = (
    "pungli",
    "pungutan liar",
    "suap",
    "menyuap",
    "sogok",
    "nyogok",
    "menyogok",
    "gratifikasi",
    "pemerasan",
    "memeras",
    "diperas",
    "calo",
    "percaloan",
    "pelecehan",
    "melecehkan",
    "dilecehkan",
    "oknum",
    "uang damai",
    "uang rokok",
    "uang pelicin",
    "uang kopi",
    "uang keamanan",
    "minta uang",
    "upeti",
    "kasih amplop",
    "beri amplop",
    "minta amplop",
    "uang amplop",
    "salam tempel",
    "korupsi",
    "kolusi",
    "nepotisme",
)


def seed_default_terms(session: Session, *, now: datetime) -> int:
    """Add the default terms missing from the table (none are switched back on); returns how many."""
    have = {row.term for row in ethics_terms(session, include_inactive=True)}
    missing = [term for term in DEFAULT_TERMS if term not in have]
    for term in missing:
        session.add(EthicsTerm(term=term, updated_at=now))
    session.flush()
    return len(missing)


def clean_term(term: str) -> str:
    """A term as stored: lower case, one space between words."""
    return " ".join(term.lower().split())


def ethics_terms(session: Session, *, include_inactive: bool = False) -> list[EthicsTerm]:
    """The lexicon rows, alphabetically."""
    stmt = select(EthicsTerm).order_by(col(EthicsTerm.term))
    if not include_inactive:
        stmt = stmt.where(col(EthicsTerm.active).is_(True))
    return list(session.exec(stmt))


def active_ethics_words(session: Session) -> tuple[str, ...]:
    """The active terms as plain strings, for bot.parsers.ethics.screen (one column: no ORM rows)."""
    stmt = select(EthicsTerm.term).where(col(EthicsTerm.active).is_(True))
    return tuple(session.exec(stmt.order_by(col(EthicsTerm.term))))


def add_ethics_term(session: Session, term: str, *, now: datetime, actor: str) -> EthicsTerm:
    """Add a term (or switch an inactive one back on); terms are stored lower-case, one space."""
    text = clean_term(term)
    if not text:
        raise ValueError("an ethics term cannot be empty")
    row = session.exec(select(EthicsTerm).where(EthicsTerm.term == text)).first()
    if row is None:
        row = EthicsTerm(term=text, updated_by=actor, updated_at=now)
        session.add(row)
    row.active, row.updated_by, row.updated_at = True, actor, now
    session.flush()
    return row


def remove_ethics_term(session: Session, term: str, *, now: datetime, actor: str) -> bool:
    """Switch a term off (kept for the record); False if it was not in the lexicon."""
    row = session.exec(select(EthicsTerm).where(EthicsTerm.term == clean_term(term))).first()
    if row is None:
        return False
    row.active, row.updated_by, row.updated_at = False, actor, now
    session.flush()
    return True


def rename_ethics_term(
    session: Session, row: EthicsTerm, term: str, *, now: datetime, actor: str
) -> str:
    """Give a term new wording (a typo fixed); returns the old wording. The caller checks duplicates."""
    before, row.term = row.term, clean_term(term)
    if not row.term:
        raise ValueError("an ethics term cannot be empty")
    row.updated_by, row.updated_at = actor, now
    session.flush()
    return before


def set_ethics_term_active(
    session: Session, row: EthicsTerm, active: bool, *, now: datetime, actor: str
) -> None:
    """Switch a term off (kept for the record of what was screened) or back on."""
    row.active, row.updated_by, row.updated_at = active, actor, now
    session.flush()

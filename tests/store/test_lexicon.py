"""The ethics lexicon lives in the database: seeded by migration 0104, edited through store.lexicon,
and what the service screens with."""

from __future__ import annotations

from sqlmodel import select

from bot.messages import InboundMessage
from bot.service import handle_inbound
from store import lexicon
from store.db import session_scope
from store.lexicon import DEFAULT_TERMS
from store.models import Ticket

TEXT = "DISHUB #petugas minta uang damai 200rb waktu razia"


def test_migration_seeds_the_default_lexicon(engine):
    with session_scope(engine) as s:
        assert set(lexicon.active_ethics_words(s)) == set(DEFAULT_TERMS)


def test_add_and_remove_terms(engine, clock):
    with session_scope(engine) as s:
        lexicon.add_ethics_term(s, "  Uang   Bensin ", now=clock(), actor="admin")
        assert lexicon.remove_ethics_term(s, "oknum", now=clock(), actor="admin")
        assert not lexicon.remove_ethics_term(s, "tidak ada", now=clock(), actor="admin")
    with session_scope(engine) as s:
        words = lexicon.active_ethics_words(s)
        assert "uang bensin" in words and "oknum" not in words
        every = {row.term: row.active for row in lexicon.ethics_terms(s, include_inactive=True)}
        assert every["oknum"] is False
        lexicon.add_ethics_term(s, "OKNUM", now=clock(), actor="admin")
        assert "oknum" in lexicon.active_ethics_words(s)


def _file(engine, desk, clock, text):
    with session_scope(engine) as s:
        msg = InboundMessage("simulator", "+6281234567890", text, None, phone="+6281234567890")
        out = handle_inbound(s, msg, now=clock(), desk=desk)
    with session_scope(engine) as s:
        return out, s.exec(select(Ticket).where(Ticket.number == out.ticket)).one()


def test_the_service_screens_with_the_edited_lexicon(seeded, desk, clock):
    with session_scope(seeded) as s:
        for term in ("uang damai", "minta uang"):
            lexicon.remove_ethics_term(s, term, now=clock(), actor="admin")
    out, ticket = _file(seeded, desk, clock, TEXT)
    assert out.keys == ("ack_new",) and not ticket.ethics


def test_an_ethics_complaint_gets_no_draft(seeded, desk, clock):
    out, ticket = _file(
        seeded, desk, clock, "DISHUB #lampu lalu lintas mati, oknum jukir minta uang"
    )
    assert out.keys == ("ack_ethics",) and ticket.ethics
    with session_scope(seeded) as s:
        from store.models import Draft

        assert s.exec(select(Draft)).all() == []


def test_a_follow_up_naming_a_breach_goes_to_the_committee_on_its_own_ticket(seeded, desk, clock):
    """The follow-up is screened; it opens an ethics ticket on the same unit, and the lamp
    complaint stays the unit's (flagging the open ticket would hide it from DISHUB)."""
    _, ticket = _file(seeded, desk, clock, "DISHUB #lampu lalu lintas di simpang lima mati")
    assert not ticket.ethics
    out, ethics = _file(seeded, desk, clock, "tukang parkirnya minta uang rokok juga")
    assert out.keys == ("ack_ethics",) and ethics.ethics
    assert ethics.id != ticket.id and ethics.unit_id == ticket.unit_id
    with session_scope(seeded) as s:
        assert not s.get(Ticket, ticket.id).ethics


def test_seeding_defaults_adds_only_what_is_missing(engine, clock):
    with session_scope(engine) as s:
        lexicon.remove_ethics_term(s, "calo", now=clock(), actor="admin")
        assert lexicon.seed_default_terms(s, now=clock()) == 0
        assert "calo" not in lexicon.active_ethics_words(s)

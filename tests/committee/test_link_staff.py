"""Staff phone addresses are linked to contacts ahead (`committee.link_staff`), so alerts are filed
on the member's contact; an alert itself never creates one (it could deadlock with the member's
first JAWAB on PostgreSQL, see tests/hardening/test_pg_races.py)."""

from __future__ import annotations

from sqlmodel import col, select

from bot.committee import escalate, link_staff
from bot.delivery import apply_status
from bot.messages import InboundMessage, OutboxStatus, StatusUpdate
from bot.service import handle_inbound
from store import repo
from store.db import session_scope
from store.models import Contact, ContactAddress, Message, StaffUser, Ticket

ANGGOTA, KETUA, PENGARAH = "+6281100000001", "+6281100000002", "+6281100000003"


def links(engine) -> dict[str, int]:
    """Linked address -> contact id, for the demo committee's phones."""
    with session_scope(engine) as s:
        stmt = select(ContactAddress).where(
            col(ContactAddress.address).in_([ANGGOTA, KETUA, PENGARAH])
        )
        return {link.address: link.contact_id for link in s.exec(stmt)}


def test_the_job_links_every_active_member_once(seeded, desk, clock):
    with session_scope(seeded) as s:
        pengarah = s.exec(select(StaffUser).where(StaffUser.phone == PENGARAH)).one()
        pengarah.active = False
    assert links(seeded) == {}  # the demo seeds accounts, not contacts
    assert link_staff(seeded, now=clock(), desk=desk) == 2
    linked = links(seeded)
    assert set(linked) == {ANGGOTA, KETUA}
    with session_scope(seeded) as s:
        assert {s.get(Contact, i).phone for i in linked.values()} == {ANGGOTA, KETUA}
    assert link_staff(seeded, now=clock(), desk=desk) == 0  # already linked: nothing changes
    assert links(seeded) == linked


def test_officers_are_not_linked(seeded, desk, clock):
    """Officers' notices go out without a contact (bot.notices): no contact is made for them."""
    with session_scope(seeded) as s:
        officer = s.exec(select(StaffUser).where(StaffUser.username == "petugas")).one()
        officer.phone = "+6281277778888"
    assert link_staff(seeded, now=clock(), desk=desk) == 3
    with session_scope(seeded) as s:
        assert s.exec(select(Contact).where(Contact.phone == "+6281277778888")).all() == []


def _alert_anggota(engine, desk, clock, citizen: str = "+6281234567890") -> str:
    """A citizen's complaint escalated by an admin, which alerts the anggota; its number."""
    with session_scope(engine) as s:
        msg = InboundMessage("simulator", citizen, "DISHUB #jalan berlubang", None, phone=citizen)
        number = handle_inbound(s, msg, now=clock(), desk=desk).ticket
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        escalate(s, ticket, now=clock(), desk=desk, reason="officer", actor="admin")
    return number


def test_an_alert_and_a_jawab_use_the_contact_linked_ahead(seeded, desk, clock):
    link_staff(seeded, now=clock(), desk=desk)
    linked = links(seeded)
    number = _alert_anggota(seeded, desk, clock)
    with session_scope(seeded) as s:  # the alert went to the linked contact, none was made
        assert (
            repo.linked_contact(s, channel="simulator", address=ANGGOTA, phone=ANGGOTA).id
            == (linked[ANGGOTA])
        )
        assert len(s.exec(select(Contact).where(Contact.phone == ANGGOTA)).all()) == 1
        alerts = s.exec(select(Message).where(Message.address == ANGGOTA)).all()
        assert alerts and {m.contact_id for m in alerts} == {linked[ANGGOTA]}
    with session_scope(seeded) as s:
        text = f"JAWAB {number} Sudah ditindak komite."
        jawab = InboundMessage("simulator", ANGGOTA, text, None, phone=ANGGOTA)
        handle_inbound(s, jawab, now=clock(), desk=desk)
    with session_scope(seeded) as s:
        said = s.exec(select(Message).where(Message.body == text)).one()
        assert said.contact_id == linked[ANGGOTA]
    assert links(seeded) == linked


def test_an_alert_to_a_member_not_linked_yet_goes_out_without_making_a_contact(seeded, desk, clock):
    _alert_anggota(seeded, desk, clock)
    with session_scope(seeded) as s:
        assert s.exec(select(Contact).where(Contact.phone == ANGGOTA)).all() == []
        alerts = s.exec(select(Message).where(Message.address == ANGGOTA)).all()
        assert alerts and {m.contact_id for m in alerts} == {None}
    assert links(seeded) == {}


def test_an_alert_to_a_member_known_by_phone_on_another_channel_is_filed_on_that_contact(
    seeded, desk, clock
):
    """The member wrote from their phone on another channel (here, STOP on WhatsApp): the alert on
    the simulator finds that contact by phone, is held by the STOP, and links nothing."""
    with session_scope(seeded) as s:
        stop = InboundMessage("whatsapp", ANGGOTA.lstrip("+"), "STOP", None, phone=ANGGOTA)
        handle_inbound(s, stop, now=clock(), desk=desk)
        (contact,) = s.exec(select(Contact).where(Contact.phone == ANGGOTA)).all()
        assert contact.opted_out
    _alert_anggota(seeded, desk, clock)
    with session_scope(seeded) as s:
        alerts = s.exec(
            select(Message).where(Message.address == ANGGOTA, Message.channel == "simulator")
        ).all()
        assert alerts and {m.contact_id for m in alerts} == {contact.id}
        statuses = {repo.outbox_of(s, m.id).status.value for m in alerts}
        assert statuses == {"failed"}  # held: the member sent STOP
    assert links(seeded) == {}


def test_a_provider_s_opt_out_of_an_alert_without_a_contact_is_kept_for_the_next_alert(
    seeded, desk, clock
):
    """The member's carrier refuses the alert (Twilio 21610, as a status receipt): the address gets
    a contact marked opted out, so the next alert is held instead of failing at the provider."""
    _alert_anggota(seeded, desk, clock)
    with session_scope(seeded) as s:
        (alert,) = s.exec(select(Message).where(Message.address == ANGGOTA)).all()
        assert alert.contact_id is None
        row = repo.outbox_of(s, alert.id)
        row.status, row.provider_id = OutboxStatus.SENT, "SM-alert-1"
    refused = StatusUpdate("simulator", "SM-alert-1", OutboxStatus.FAILED, "21610", opted_out=True)
    assert apply_status(seeded, refused, now=clock())
    with session_scope(seeded) as s:
        contact = repo.linked_contact(s, channel="simulator", address=ANGGOTA, phone=None)
        assert contact is not None and contact.opted_out
        assert s.get(Message, alert.id).contact_id == contact.id
    assert link_staff(seeded, now=clock(), desk=desk) == 2  # the others; the anggota's stays
    assert links(seeded)[ANGGOTA] == contact.id
    _alert_anggota(seeded, desk, clock, citizen="+6281298765432")
    with session_scope(seeded) as s:
        alerts = s.exec(select(Message).where(Message.address == ANGGOTA)).all()
        assert [repo.outbox_of(s, m.id).status for m in alerts] == [
            OutboxStatus.FAILED,
            OutboxStatus.FAILED,  # held: not sent to a phone that unsubscribed
        ]
        assert "21610" not in repo.outbox_of(s, alerts[1].id).error

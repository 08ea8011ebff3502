"""The committee's alert is a thread summary (DESIGN §7): ticket, unit, reason, age and deadline, the
size of the thread, the first complaint and the citizen's latest message, cut at word boundaries so
the whole alert fits one INFO part (`[committee] info_part_chars`)."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import col, select

from bot.committee import escalate
from bot.config import CommitteeConfig
from bot.messages import InboundMessage
from bot.service import Desk, handle_inbound
from store.db import session_scope
from store.models import Message, Ticket

CITIZEN = "+6281234567890"
ANGGOTA = "+6281100000001"
FIRST = (
    "DISHUB #petugas di pos razia Jalan Ahmad Yani minta uang damai 200rb kepada saya waktu razia "
    "kendaraan hari Senin pagi sekitar pukul delapan, katanya kalau tidak mau bayar motor saya akan "
    "ditahan dan STNK saya disita, saya tidak diberi surat tilang sama sekali padahal saya minta "
    "surat tilang resmi, petugas itu memakai rompi hijau dan nama di dadanya tertutup lakban"
)
LATER = (
    "Hari ini saya lewat lagi dan petugas yang sama masih di sana meminta uang kepada "
    "pengendara lain, saya punya foto dan video kejadiannya kalau diperlukan oleh komite pengawas, "
    "tolong segera ditindak karena sudah sering terjadi di pos itu setiap minggu pagi"
)


def send(engine, desk, clock, phone, text):
    with session_scope(engine) as s:
        msg = InboundMessage("simulator", phone, text, None, phone=phone)
        return handle_inbound(s, msg, now=clock(), desk=desk)


def alerts(engine) -> list[str]:
    with session_scope(engine) as s:
        stmt = select(Message.body).where(Message.address == ANGGOTA, Message.direction == "out")
        return list(s.exec(stmt.order_by(col(Message.id))))


def line(alert: str, label: str) -> str | None:
    return next((x.removeprefix(label) for x in alert.split("\n") if x.startswith(label)), None)


def assert_cut_at_a_word(shown: str, whole: str) -> None:
    assert shown.endswith(" ...") and len(shown) < len(whole)
    kept = shown.removesuffix(" ...")
    assert whole.startswith(kept) and whole[len(kept)] == " "


def test_the_alert_summarises_a_one_message_thread(seeded, desk, clock):
    number = send(seeded, desk, clock, CITIZEN, FIRST).ticket
    (alert,) = alerts(seeded)
    head, facts, *_ = alert.split("\n")
    assert head == f"ESKALASI {number} (DISHUB, dugaan pelanggaran etika, anggota)"
    assert facts.startswith("1 pesan, masuk < 1 jam lalu, tenggat ")  # not "0 jam lalu"
    assert_cut_at_a_word(line(alert, "Aduan: "), FIRST)
    assert line(alert, "Terakhir: ") is None  # nothing later than the complaint
    assert alert.endswith(f"INFO {number}: seluruh percakapan")
    assert len(alert) <= desk.config.committee.info_part_chars


def test_the_alert_carries_the_latest_citizen_message_and_the_lateness(seeded, desk, clock):
    number = send(seeded, desk, clock, CITIZEN, FIRST).ticket
    clock.advance(hours=30)
    send(seeded, desk, clock, CITIZEN, LATER)
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        escalate(s, ticket, reason="officer", now=clock(), actor="petugas", desk=desk)
    alert = alerts(seeded)[-1]
    assert alert.startswith(f"ESKALASI {number} (DISHUB, diteruskan petugas, anggota)\n")
    assert "\n4 pesan, masuk 30 jam lalu, " in alert and "(lewat)\n" in alert  # both ways
    first, latest = line(alert, "Aduan: "), line(alert, "Terakhir: ")
    assert_cut_at_a_word(first, FIRST)
    assert_cut_at_a_word(latest, LATER)
    assert len(alert) <= desk.config.committee.info_part_chars
    assert len(alert) > desk.config.committee.info_part_chars - 30  # the room is used, not wasted


def test_a_short_latest_message_leaves_its_room_to_the_first(seeded, desk, clock):
    number = send(seeded, desk, clock, CITIZEN, FIRST).ticket
    clock.advance(hours=1)
    send(seeded, desk, clock, CITIZEN, "sudah ada tanggapan?")
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        escalate(s, ticket, reason="officer", now=clock(), desk=desk)
    alert = alerts(seeded)[-1]
    assert line(alert, "Terakhir: ") == "sudah ada tanggapan?"
    assert len(line(alert, "Aduan: ")) > 200  # more than an even share of the room


def test_the_alert_follows_the_configured_part_size(seeded, desk, clock):
    small = Desk(
        config=replace(desk.config, committee=CommitteeConfig(info_part_chars=300)), env=desk.env
    )
    send(seeded, small, clock, CITIZEN, FIRST)
    (alert,) = alerts(seeded)
    assert 260 < len(alert) <= 300
    assert_cut_at_a_word(line(alert, "Aduan: "), FIRST)


def test_a_complaint_that_fits_is_shown_whole(seeded, desk, clock):
    text = FIRST[:200].rsplit(" ", 1)[0]  # longer than the 120 characters the alert used to carry
    send(seeded, desk, clock, CITIZEN, text)
    (alert,) = alerts(seeded)
    assert line(alert, "Aduan: ") == text

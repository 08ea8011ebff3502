"""Odd but plausible citizen and desk input through the whole service (real database, demo desk)."""

from __future__ import annotations

import itertools

from sqlmodel import col, select

from bot.conversations import expire_conversations
from bot.messages import InboundMessage
from bot.service import handle_inbound, send_answer
from store.db import session_scope
from store.models import Contact, Draft, Message, Outbox, Ticket, Unit

PHONE = "+6281234567890"
_IDS = itertools.count(1)


def send(engine, desk, clock, text, *, from_desk=False):
    """One message from PHONE (typed in by an officer when from_desk); returns the Outcome."""
    clock.advance(minutes=1)
    provider_id = f"intake-{next(_IDS)}" if from_desk else None
    msg = InboundMessage("simulator", PHONE, text, provider_id, phone=PHONE, from_desk=from_desk)
    with session_scope(engine) as s:
        return handle_inbound(s, msg, now=clock(), desk=desk)


def test_walk_in_complaint_after_stop_is_filed_but_nothing_is_sent(seeded, desk, clock):
    """The citizen once sent STOP, then comes to the desk: the officer's typed-in complaint is a
    ticket (it used to be stored on no ticket at all), and its receipt is recorded, not sent."""
    send(seeded, desk, clock, "STOP")
    out = send(seeded, desk, clock, "DISHUB #lampu lalu lintas mati", from_desk=True)
    assert out.ticket is not None and out.keys == ("ack_new",)
    # a unit with a follow-up question files at once too: the citizen would never see the question
    out = send(seeded, desk, clock, "DLH #sampah menumpuk di pasar", from_desk=True)
    assert out.ticket is not None and out.keys == ("ack_new",)
    with session_scope(seeded) as s:
        assert len(s.exec(select(Ticket)).all()) == 2
        rows = s.exec(select(Outbox).order_by(col(Outbox.id))).all()
        assert [(r.status, r.error) for r in rows[1:]] == [
            ("failed", "citizen opted out (STOP)")
        ] * 2


def _held(engine) -> list[tuple[str, str]]:
    """(status, error) of every outbox row, oldest first."""
    with session_scope(engine) as s:
        return [(r.status, r.error) for r in s.exec(select(Outbox).order_by(col(Outbox.id)))]


def test_a_complaint_after_stop_is_filed_and_its_replies_are_held(seeded, desk, clock):
    """After STOP the citizen's own complaint used to be stored on no ticket: no officer ever saw
    it. It is filed as usual (ticket, draft, deadline), and the acknowledgement is recorded unsent:
    STOP holds until MULAI. An uncoded one is filed on the routing's guess, as nobody would read
    "Maksud Anda ...?"."""
    send(seeded, desk, clock, "STOP")
    uncoded = send(seeded, desk, clock, "sampah menumpuk di pasar bau sekali")
    assert uncoded.keys == ("ack_new",) and uncoded.ticket is not None
    out = send(seeded, desk, clock, "DISHUB #lampu lalu lintas di simpang lima mati")
    assert out.keys == ("ack_new",) and out.ticket not in (None, uncoded.ticket)
    assert out.replies == out.inline_replies == ()  # the simulator shows nothing either
    more = send(seeded, desk, clock, "lampunya masih mati")  # added to it, as for anyone
    assert (more.ticket, more.keys) == (out.ticket, ("ack_append",))
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == out.ticket)).one()
        assert len(s.exec(select(Draft).where(Draft.ticket_id == ticket.id)).all()) == 1
        assert ticket.due_at > clock()
    assert _held(seeded)[1:] == [("failed", "citizen opted out (STOP)")] * 3
    # MULAI: replies go out again
    assert send(seeded, desk, clock, "MULAI").keys == ("opted_in",)
    assert _held(seeded)[-1][0] != "failed"


def test_a_wrong_code_after_stop_is_filed_on_the_routing_guess(seeded, desk, clock):
    """`XYZ #...` asks which unit; after STOP nobody would read the question, and the complaint
    would wait unfiled until the question lapsed."""
    send(seeded, desk, clock, "STOP")
    out = send(seeded, desk, clock, "XYZ #lampu lalu lintas di simpang lima mati sejak kemarin")
    assert out.keys == ("ack_new",) and out.ticket is not None
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == out.ticket)).one()
        assert s.get(Unit, ticket.unit_id).code == "DISHUB"


def test_cek_status_with_an_open_ticket_shows_the_status(seeded, desk, clock):
    """`cek status` / `status aduan saya` used to be added to the open ticket as complaint text and
    acknowledged as "Tambahan informasi Anda dicatat"; the citizen never got the status."""
    number = send(seeded, desk, clock, "DISHUB #lampu lalu lintas mati").ticket
    for text in ("cek status", "Status aduan saya?", f"status tiket {number}"):
        out = send(seeded, desk, clock, text)
        assert out.keys == ("status",) and number in out.replies[0], text
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket)).one()
        stmt = select(Message.body).where(Message.ticket_id == ticket.id, Message.direction == "in")
        assert s.exec(stmt).all() == ["DISHUB #lampu lalu lintas mati"]


def _answer_latest(engine, desk, clock):
    with session_scope(engine) as s:
        ticket = s.exec(select(Ticket).order_by(col(Ticket.id).desc())).first()
        send_answer(s, ticket, "Pipa sudah diperbaiki.", now=clock(), desk=desk, actor="petugas")
        return ticket.number


def test_a_late_tidak_reopens_the_answered_ticket_not_another_one(seeded, desk, clock):
    """The answer asks "Balas YA atau TIDAK"; the citizen replies after the question lapsed (24 h).
    The TIDAK used to be added to their other open ticket as "Tambahan informasi" (DISHUB here),
    and the answered ticket was left to be closed as if they were satisfied."""
    dishub = send(seeded, desk, clock, "DISHUB #lampu lalu lintas mati").ticket
    send(seeded, desk, clock, "PDAM #air keruh sejak kemarin")
    pdam = _answer_latest(seeded, desk, clock)
    clock.advance(hours=25)
    with session_scope(seeded) as s:
        expire_conversations(s, now=clock(), desk=desk)
    out = send(seeded, desk, clock, "TIDAK")
    assert out.keys == ("reopened",) and pdam in out.replies[0]
    with session_scope(seeded) as s:
        status = {t.number: t.status.value for t in s.exec(select(Ticket))}
        assert status == {dishub: "open", pdam: "open"}


def test_status_of_an_overdue_ticket_does_not_promise_a_past_deadline(seeded, desk, clock):
    """STATUS used to say "menunggu jawaban, paling lambat Senin, 23 Nov pukul 15.00 WIB" on the
    Tuesday: a deadline already gone, read as a promise."""
    send(seeded, desk, clock, "DISHUB #lampu lalu lintas mati")
    assert "paling lambat pukul 15.01 WIB" in send(seeded, desk, clock, "STATUS").replies[0]
    clock.advance(days=1)
    (reply,) = send(seeded, desk, clock, "STATUS").replies
    assert "lewat batas waktu (Senin, 23 Nov pukul 15.01 WIB)" in reply
    assert "paling lambat" not in reply


def test_feedback_with_words_around_ya_or_tidak_is_understood(seeded, desk, clock):
    """ "Ya, terima kasih" closes; "Tidak, air masih keruh" reopens with its words on the ticket;
    "ya, tapi masih bau" and "gak apa-apa" stay comments and the question stays open."""
    send(seeded, desk, clock, "PDAM #air keruh sejak kemarin")
    first = _answer_latest(seeded, desk, clock)
    for ambiguous in ("ya, tapi masih bau", "gak apa-apa kok"):
        out = send(seeded, desk, clock, ambiguous)
        assert out.keys == ("feedback_noted",), ambiguous
    assert send(seeded, desk, clock, "Tidak, air masih keruh pak").keys == ("reopened",)
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == first)).one()
        assert ticket.status.value == "open"
        stmt = select(Message.body).where(Message.ticket_id == ticket.id, Message.direction == "in")
        assert "Tidak, air masih keruh pak" in s.exec(stmt).all()
    _answer_latest(seeded, desk, clock)
    assert send(seeded, desk, clock, "Ya, terima kasih banyak").keys == ("feedback_thanks",)
    with session_scope(seeded) as s:
        assert s.exec(select(Ticket).where(Ticket.number == first)).one().status.value == "closed"


def test_a_citizen_chooses_the_language_of_the_replies(seeded, desk, clock):
    out = send(seeded, desk, clock, "ENGLISH")
    assert out.keys == ("language_set",) and out.replies[0].startswith("OK, our replies will now")
    out = send(seeded, desk, clock, "DISHUB #lampu lalu lintas mati")
    assert out.replies[0].startswith("Complaint received. Ticket no."), out.replies[0]
    with session_scope(seeded) as s:  # an officer's answer later goes out in English too
        ticket = s.exec(select(Ticket)).one()
        send_answer(s, ticket, "Sudah diperbaiki.", now=clock(), desk=desk, actor="petugas")
        answer = s.exec(select(Message).order_by(col(Message.id).desc())).first()
        assert answer.body.startswith("Answer to complaint"), answer.body
    out = send(seeded, desk, clock, "Bahasa Indonesia")
    assert out.replies[0].startswith("Baik, balasan kami selanjutnya dalam Bahasa Indonesia")
    assert send(seeded, desk, clock, "STATUS").replies[0].startswith("Aduan Anda")


def test_the_router_is_warmed_for_the_profiles_an_uncoded_message_will_use(seeded, desk, clock):
    from bot import conversations
    from bot.answers import routing
    from store import repo

    with session_scope(seeded) as s:
        conversations.warm_routing(s)
        units = {u.code: u for u in repo.active_units(s)}
        profiles = tuple(conversations.routing_profiles(s, units))
    router = routing._ROUTERS[tuple((p.code, p.name, p.description, p.aliases) for p in profiles)]
    assert router[0] == profiles and router[1].model._weights is not None
    assert router[1]._fitted > 0  # the SVM is fitted: the first uncoded message only predicts
    assert send(seeded, desk, clock, "sampah menumpuk di pasar bau sekali").keys == (
        "suggest_unit",
    )


def _tickets(engine) -> list[tuple[str, bool, list[str]]]:
    """(number, ethics, inbound texts) of every ticket, oldest first."""
    with session_scope(engine) as s:
        out = []
        for t in s.exec(select(Ticket).order_by(col(Ticket.id))).all():
            stmt = select(Message.body).where(Message.ticket_id == t.id, Message.direction == "in")
            out.append((t.number, t.ethics, list(s.exec(stmt).all())))
        return out


def test_an_ordinary_complaint_is_not_added_to_an_open_ethics_ticket_of_the_unit(
    seeded, desk, clock
):
    """An ethics ticket is hidden from its unit: a later ordinary complaint to that unit used to be
    appended to it (one open ticket per citizen and unit), so the unit never saw it."""
    ethics = send(seeded, desk, clock, "DISHUB #petugas parkir minta uang damai").ticket
    out = send(seeded, desk, clock, "DISHUB #lampu lalu lintas di simpang lima mati")
    assert out.keys == ("ack_new",) and out.ticket != ethics
    # a further ethics complaint to that unit joins the committee's thread, as DESIGN §4 says
    again = send(seeded, desk, clock, "DISHUB #petugasnya juga minta pungli lagi")
    assert again.ticket == ethics and again.keys == ("ack_append",)
    # and a further ordinary one joins the unit's ticket
    more = send(seeded, desk, clock, "DISHUB #lampunya masih mati")
    assert more.ticket == out.ticket and more.keys == ("ack_append",)
    assert [(n, e, len(texts)) for n, e, texts in _tickets(seeded)] == [
        (ethics, True, 2),
        (out.ticket, False, 2),
    ]


def test_uncoded_words_naming_a_breach_join_the_open_ethics_ticket_of_the_unit(seeded, desk, clock):
    """The latest ticket is the ordinary one, so uncoded words go to it; naming a breach, they are
    kept apart, and they used to open a further ethics ticket (and alert) each time."""
    ethics = send(seeded, desk, clock, "DISHUB #petugas parkir minta uang damai").ticket
    ordinary = send(seeded, desk, clock, "DISHUB #lampu lalu lintas di simpang lima mati").ticket
    out = send(seeded, desk, clock, "oknumnya minta uang lagi tadi pagi")
    assert out.ticket == ethics and out.keys == ("ack_append",)
    assert [(n, e, len(texts)) for n, e, texts in _tickets(seeded)] == [
        (ethics, True, 2),
        (ordinary, False, 1),
    ]


def test_an_ethics_complaint_does_not_take_the_units_open_ticket_to_the_committee(
    seeded, desk, clock
):
    """A coded ethics complaint used to be appended to the citizen's ordinary ticket of the unit and
    flag it, so the ordinary complaint vanished from the unit's view with it."""
    ordinary = send(seeded, desk, clock, "DISHUB #lampu lalu lintas di simpang lima mati").ticket
    out = send(seeded, desk, clock, "DISHUB #petugas parkir minta uang damai")
    assert out.keys == ("ack_ethics",) and out.ticket != ordinary
    assert [(n, e) for n, e, _ in _tickets(seeded)] == [(ordinary, False), (out.ticket, True)]


def test_an_ordinary_complaint_beside_an_ethics_ticket_gets_the_units_questions(
    seeded, desk, clock
):
    """DLH asks where: a complaint that opens a new ticket is asked, even though the citizen has
    an (ethics) ticket open with DLH, which it will not be added to."""
    first = send(seeded, desk, clock, "DLH #oknum petugas kebersihan minta uang rokok")
    assert first.keys == ("ack_ethics",)  # not asked: the question is the unit's
    ethics = first.ticket
    assert send(seeded, desk, clock, "DLH #sampah menumpuk").keys == ("ask_detail",)
    out = send(seeded, desk, clock, "Jl. Melati, Desa Sukamaju")
    assert out.keys == ("ack_new",) and out.ticket != ethics


def test_a_walk_in_complaint_to_a_unit_with_questions_is_filed_with_the_name_typed(
    seeded, desk, clock
):
    """DLH asks where: for a walk-in the question went to the citizen's phone, the form has no
    field for the answer, and the complaint was never filed. The name the officer typed was
    dropped too."""
    clock.advance(minutes=1)
    msg = InboundMessage(
        "simulator",
        PHONE,
        "DLH #sampah menumpuk di pasar Desa Sukamaju",
        "intake-walkin-1",
        phone=PHONE,
        name="  Budi Santoso ",
        from_desk=True,
    )
    with session_scope(seeded) as s:
        out = handle_inbound(s, msg, now=clock(), desk=desk)
    assert out.ticket is not None and out.keys == ("ack_new",)
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket)).one()
        assert s.get(Contact, ticket.contact_id).name == "Budi Santoso"
    # a citizen's own SMS to DLH is asked the question as before
    own = InboundMessage("simulator", "+6281299990000", "DLH #got mampet", phone="+6281299990000")
    with session_scope(seeded) as s:
        assert handle_inbound(s, own, now=clock(), desk=desk).keys == ("ask_detail",)


def test_an_unknown_code_keeps_the_complaint_and_files_it_under_the_unit_chosen(
    seeded, desk, clock
):
    """`XYZ #...` used to get "Kode XYZ tidak dikenal" and lose the text: the citizen had to type
    it again. Now the desk asks which unit, with the routing's guess, and files what was sent."""
    text = "XYZ #lampu lalu lintas di simpang lima mati sejak kemarin"
    (asked,) = send(seeded, desk, clock, text).replies
    assert asked.startswith("Kode XYZ tidak dikenal. Apakah aduan Anda untuk DISHUB (Dinas")
    assert _tickets(seeded) == []
    (ack,) = send(seeded, desk, clock, "ya").replies
    assert ack.startswith("Aduan Anda diterima") and "(DISHUB)" in ack
    ((_, ethics, texts),) = _tickets(seeded)
    assert texts == [text, "ya"] and not ethics


def test_a_denied_near_miss_lists_the_units_and_keeps_the_complaint(seeded, desk, clock):
    send(seeded, desk, clock, "DISHUBB #jalan berlubang di depan pasar")  # "Maksud Anda DISHUB?"
    (listed,) = send(seeded, desk, clock, "tidak").replies
    assert listed.startswith("Untuk dinas mana aduan Anda? Ketik angka: 1 DINKES 2 DINSOS")
    assert " 6 DPUPR " in listed and "DISHUB" not in listed
    (ack,) = send(seeded, desk, clock, "6").replies
    assert "(DPUPR)" in ack
    ((_, _, texts),) = _tickets(seeded)
    assert texts[0] == "DISHUBB #jalan berlubang di depan pasar"


def test_an_unknown_code_without_a_routing_guess_lists_the_units(seeded, desk, clock):
    (asked,) = send(seeded, desk, clock, "XYZ: qwerty asdf zxcv").replies
    assert asked.startswith("Kode XYZ tidak dikenal. Untuk dinas mana aduan Anda? Ketik angka: 1 ")
    (ack,) = send(seeded, desk, clock, "1").replies
    assert ack.startswith("Aduan Anda diterima")
    ((_, _, texts),) = _tickets(seeded)
    assert texts[0] == "XYZ: qwerty asdf zxcv"


def test_a_library_answer_that_does_not_render_is_not_drafted(seeded, desk, clock):
    """An answer saved before the admin checked templates, with a mistake: the complaint is filed
    and acknowledged, and the officer answers it (no draft with a half-rendered text)."""
    from store.models import Answer, Draft

    with session_scope(seeded) as s:
        for answer in s.exec(select(Answer)).all():
            answer.body = "Aduan {{ nomr }} sedang ditangani."
    outcome = send(seeded, desk, clock, "DISHUB #lampu lalu lintas di simpang lima mati")
    assert outcome.ticket and outcome.keys == ("ack_new",)
    with session_scope(seeded) as s:
        assert s.exec(select(Draft)).all() == []


def test_tidak_after_ya_reopens_the_closed_ticket(seeded, desk, clock):
    """YA closed it; the next day the water is murky again: a bare TIDAK reopens that ticket (it
    used to get the help text, and the citizen had to complain afresh)."""
    number = send(seeded, desk, clock, "PDAM #air keruh sejak kemarin").ticket
    _answer_latest(seeded, desk, clock)
    assert send(seeded, desk, clock, "YA").keys == ("feedback_thanks",)
    clock.advance(days=1)
    out = send(seeded, desk, clock, "TIDAK")
    assert (out.keys, out.ticket) == (("reopened",), number)
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket)).one()
        assert (ticket.status.value, ticket.satisfied, ticket.reopened_count) == ("open", False, 1)


def test_a_new_complaint_opening_with_tidak_does_not_reopen_a_closed_ticket(seeded, desk, clock):
    """A week after the DLH ticket closed, "Tidak ada air ..." is a new problem: it was read as a
    TIDAK, appended to the DLH ticket, reopened it and alerted the committee."""
    send(seeded, desk, clock, "DLH #sampah menumpuk")
    number = send(seeded, desk, clock, "di pasar Desa Sukamaju").ticket
    _answer_latest(seeded, desk, clock)
    assert send(seeded, desk, clock, "YA").keys == ("feedback_thanks",)
    clock.advance(days=7)
    out = send(seeded, desk, clock, "Tidak ada air sejak kemarin di RT 5")
    assert out.keys == ("suggest_unit",) and "PDAM" in out.replies[0]  # a new complaint
    with session_scope(seeded) as s:
        closed = s.exec(select(Ticket).where(Ticket.number == number)).one()
        assert (closed.status.value, closed.reopened_count) == ("closed", 0)


def test_after_stop_an_auto_send_answer_waits_for_an_officer(seeded, desk, clock):
    """An auto-sent library answer would be held unsent yet mark the ticket answered: the SLA
    stopped and no officer would see that the citizen never got it. It stays a pending draft."""
    kir = "DISHUB #syarat uji kir mobil pickup apa aja ya"
    assert send(seeded, desk, clock, kir).keys == ("ack_new", "answer", "ask_feedback")
    send(seeded, desk, clock, "YA")
    send(seeded, desk, clock, "STOP")
    clock.advance(days=1)
    out = send(seeded, desk, clock, "DISHUB #perpanjang kir di mana dan jam brp")
    assert out.keys == ("ack_new",)
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == out.ticket)).one()
        assert ticket.status.value == "open"
        (draft,) = s.exec(select(Draft).where(Draft.ticket_id == ticket.id)).all()
        assert draft.status.value == "pending"


def test_a_comment_naming_a_breach_after_the_answer_leaves_the_answered_ticket(seeded, desk, clock):
    """The comment goes to the committee on a ticket of its own; the answered ticket has nothing
    new for the unit to read, so it is not reopened."""
    number = send(seeded, desk, clock, "PDAM #air keruh sejak kemarin").ticket
    _answer_latest(seeded, desk, clock)
    out = send(seeded, desk, clock, "petugasnya minta uang rokok dulu baru mau datang")
    # "diteruskan ke petugas" about the answered ticket would be untrue: only the committee's word
    assert out.keys == ("ack_ethics",) and out.ticket != number
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        assert ticket.status.value == "answered"


def test_a_breach_named_to_a_unit_with_questions_goes_to_the_committee_at_once(seeded, desk, clock):
    """DLH asks "Di mana lokasinya?": an ethics complaint coded DLH was asked it first and reached
    the committee only after the answer. The question is the unit's, which will not see it."""
    out = send(seeded, desk, clock, "DLH #oknum petugas kebersihan minta uang 50rb tiap bulan")
    assert out.keys == ("ack_ethics",) and out.ticket is not None
    ((_, ethics, _),) = _tickets(seeded)
    assert ethics
    # an ordinary DLH complaint from someone else is still asked
    other = InboundMessage(
        "simulator", "+6281299990001", "DLH #sampah menumpuk", phone="+6281299990001"
    )
    with session_scope(seeded) as s:
        assert handle_inbound(s, other, now=clock(), desk=desk).keys == ("ask_detail",)


def test_a_breach_sent_after_the_code_alone_is_not_asked_the_units_questions(seeded, desk, clock):
    assert send(seeded, desk, clock, "DLH").keys == ("ask_text",)
    out = send(seeded, desk, clock, "petugas kebersihan minta uang damai biar sampah diangkut")
    assert out.keys == ("ack_ethics",)

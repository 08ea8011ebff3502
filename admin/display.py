"""How the admin shows times, deadlines, statuses and phone numbers (Indonesian, local time)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.messages import DraftStatus, OutboxStatus, Priority, Role, TicketStatus
from bot.parsers.phone import mask_phone
from store.models import Contact, Inbox, Outbox, Ticket

SOON = timedelta(hours=1)  # less than this left: shown as urgent

TICKET_STATUS = {
    TicketStatus.OPEN: "Terbuka",
    TicketStatus.ANSWERED: "Terjawab",
    TicketStatus.CLOSED: "Ditutup",
}
ROLE = {Role.ADMIN: "admin", Role.OFFICER: "petugas", Role.COMMITTEE: "komite"}
PRIORITY = {
    Priority.LOW: "rendah",
    Priority.NORMAL: "biasa",
    Priority.HIGH: "tinggi",
    Priority.URGENT: "mendesak",
}
ACTION = {  # the audit log's actions as the history lists show them (ticket page, lexicon)
    "ticket.open": "tiket dibuka",
    "ticket.answer": "dijawab",
    "ticket.claim": "diambil",
    "ticket.transfer": "dialihkan",
    "ticket.close": "ditutup",
    "ticket.reopen": "dibuka kembali",
    "ticket.priority": "prioritas diubah",
    "ticket.note": "catatan internal",
    "ticket.analysis": "analisis disimpan",
    "ticket.escalate": "dieskalasi ke komite",
    "ticket.ethics": "ditandai aduan etik (ke komite)",
    "ticket.intake": "dicatat petugas (aduan langsung)",
    "ticket.answer_failed": "jawaban gagal terkirim",
    "ticket.answer_delivered": "jawaban ternyata sampai (laporan terlambat)",
    "ticket.phone_reveal": "nomor telepon warga ditampilkan",
    "message.resend": "pesan dikirim ulang",
    "draft.approve": "draf disetujui",
    "draft.reject": "draf ditolak",
    "draft.withdraw": "draf ditarik",
    "lexicon.add": "istilah ditambahkan",
    "lexicon.edit": "istilah diubah",
    "lexicon.deactivate": "istilah dinonaktifkan",
    "lexicon.activate": "istilah diaktifkan lagi",
}
# why a pending draft may no longer be sent (service.draft_stale); shown on the ticket page too
DRAFT_STALE = {
    "closed": "Tiket sudah ditutup; draf ini tidak dikirim.",
    "answered": "Tiket sudah dijawab; draf ini tidak dikirim. Tulis jawaban baru bila perlu.",
    "ethics": "Tiket ini aduan etik yang ditangani komite; draf dari pustaka tidak dikirim.",
    "transferred": "Tiket sudah dialihkan ke unit lain; draf dari pustaka unit sebelumnya tidak dikirim.",
}
# an outbound message's delivery as its outbox row says: (label, CSS level)
DELIVERY = {
    OutboxStatus.PENDING: ("antri", "soon"),
    OutboxStatus.SENDING: ("antri", "soon"),
    OutboxStatus.INLINE: ("terkirim", "ok"),
    OutboxStatus.SENT: ("terkirim", "ok"),
    OutboxStatus.DELIVERED: ("diterima", "done"),
    OutboxStatus.FAILED: ("gagal", "late"),
}
# why a message failed, in plain words, by a fragment of the outbox error (first match wins)
FAILURE = (
    ("opted out", "Warga sudah meminta berhenti menerima pesan (STOP)."),
    ("21610", "Warga sudah meminta berhenti menerima pesan (STOP)."),
    ("interrupted", "Pengiriman terputus berkali-kali; pesan mungkin sudah atau belum sampai."),
    ("is not enabled", "Saluran pesan ini tidak aktif lagi di Aduan."),
    ("not set", "Saluran pesan ini belum lengkap pengaturannya (kunci API tidak ada)."),
    ("24-hour window", "Di luar jendela 24 jam WhatsApp dan tidak ada templat yang disetujui."),
    ("part ", "Sebagian pesan (SMS bersambung) tidak terkirim."),
)
FAILURE_OTHER = "Penyedia layanan tidak dapat mengirim pesan ini ke nomor warga."
DRAFT_STATUS = {
    DraftStatus.PENDING: "Menunggu",
    DraftStatus.APPROVED: "Disetujui",
    DraftStatus.REJECTED: "Ditolak",
}
# a decided draft's status inside a sentence ("Draf ini sudah disetujui oleh ...")
DRAFT_DECIDED = {DraftStatus.APPROVED: "disetujui", DraftStatus.REJECTED: "ditolak"}


def local_time(when: datetime | None, tz: ZoneInfo) -> str:
    """'23/11/2026 10.00 WIB'; the zone's own abbreviation (WIB, WITA, WIT)."""
    if when is None:
        return "—"
    return when.astimezone(tz).strftime("%d/%m/%Y %H.%M %Z")


SLA_WORDS = {  # the deadline column's words; {d} is a duration
    "id": {
        "hour": "j",
        "on_time": "dijawab tepat waktu",
        "late_answer": "dijawab terlambat {d}",
        "closed": "ditutup",
        "left": "sisa {d}",
        "overdue": "lewat {d}",
    },
    "en": {
        "hour": "h",
        "on_time": "answered on time",
        "late_answer": "answered {d} late",
        "closed": "closed",
        "left": "{d} left",
        "overdue": "{d} overdue",
    },
}


def duration(delta: timedelta, lang: str = "id") -> str:
    """'3 j 12 m', or '45 m' under an hour (j = jam, m = menit); '3 h 12 m' in English."""
    hours, minutes = divmod(int(delta.total_seconds() // 60), 60)
    return f"{hours} {SLA_WORDS[lang]['hour']} {minutes} m" if hours else f"{minutes} m"


def sla(ticket: Ticket, now: datetime, lang: str = "id") -> tuple[str, str]:
    """The deadline as text plus a CSS level: ('sisa 3 j 12 m', 'ok'), ('lewat 20 m', 'late')...

    `lang` is the admin's language (the citizen's progress page stays Indonesian)."""
    words = SLA_WORDS[lang]
    reopened = ticket.status is TicketStatus.OPEN and ticket.first_due_at is not None
    if ticket.first_answer_at is not None and not reopened:  # a reopened one awaits a new answer
        late = ticket.first_answer_at - (ticket.first_due_at or ticket.due_at)
        if late <= timedelta(0):
            return words["on_time"], "done"
        return words["late_answer"].format(d=duration(_ceil_minute(late), lang)), "done"
    if ticket.status is TicketStatus.CLOSED:
        return words["closed"], "done"
    left = ticket.due_at - now
    if left > timedelta(0):
        return words["left"].format(d=duration(left, lang)), "soon" if left < SOON else "ok"
    # past the deadline by even a few seconds counts as a started minute
    return words["overdue"].format(d=duration(_ceil_minute(-left), lang)), "late"


def _ceil_minute(delta: timedelta) -> timedelta:
    return timedelta(minutes=math.ceil(delta.total_seconds() / 60))


def citizen_phone(ticket: Ticket, contact: Contact | None) -> str:
    """The citizen's number, masked (a Telegram chat id without a phone is masked the same way)."""
    return mask_phone((contact.phone if contact else None) or ticket.address)


def inbox_sender(row: Inbox) -> str:
    """The sender of a queued message, masked like citizen_phone (the phone, else the address)."""
    return mask_phone(row.payload.get("phone") or row.address)


def delivery(row: Outbox | None) -> tuple[str, str]:
    """How far an outbound message got: ('terkirim', 'ok'), ('gagal', 'late')... ('', '') for none."""
    return DELIVERY.get(row.status, ("", "")) if row is not None else ("", "")


def failure(error: str) -> str:
    """Why a message failed, in words an officer can act on (the provider's text goes beside it)."""
    lowered = error.lower()
    return next((words for fragment, words in FAILURE if fragment in lowered), FAILURE_OTHER)

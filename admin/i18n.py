"""The admin's two languages: Indonesian in the templates, English from this dictionary.

A plain dictionary keyed by the Indonesian text rather than Flask-Babel: the admin has a few hundred
words, no plural rules to speak of, and no translators' tooling to feed. A missing entry shows Indonesian.
"""

from __future__ import annotations

from flask import session

LANGS = ("id", "en")

EN = {
    "Beranda": "Dashboard",
    "Kotak masuk": "Inbox",
    "Antrean persetujuan": "Approval queue",
    "Pustaka jawaban": "Answer library",
    "Pengaturan": "Settings",
    "Aduan langsung": "Walk-in intake",
    "Keluar": "Log out",
    "Masuk": "Log in",
    "Nama pengguna": "Username",
    "Kata sandi": "Password",
    "Status": "Status",
    "Unit": "Unit",
    "Saluran": "Channel",
    "Semua": "All",
    "Saring": "Filter",
    "Cari": "Search",
    "Hanya yang lewat tenggat": "Overdue only",
    "No. tiket": "Ticket no.",
    "Pelapor": "Citizen",
    "Diterima": "Received",
    "Tenggat": "Deadline",
    "Tidak ada tiket.": "No tickets.",
    "Terbuka": "Open",
    "Terjawab": "Answered",
    "Ditutup": "Closed",
    "Percakapan": "Conversation",
    "Warga": "Citizen",
    "catatan internal": "internal note",
    "Draf jawaban": "Draft answer",
    "Setujui & kirim": "Approve & send",
    "Tolak": "Reject",
    "Jawab langsung": "Reply",
    "Kirim jawaban": "Send answer",
    "Catatan internal": "Internal note",
    "Simpan catatan": "Save note",
    "Ambil tiket": "Claim",
    "Alihkan ke unit lain": "Transfer to another unit",
    "Alihkan": "Transfer",
    "Alasan": "Reason",
    "Eskalasi ke komite": "Escalate to the committee",
    "Eskalasi": "Escalate",
    "Selesaikan & tutup": "Resolve & close",
    "Buka kembali": "Reopen",
    "Prioritas": "Priority",
    "Ubah": "Change",
    "Cetak lembar disposisi": "Print forwarding form",
    "Saran jawaban": "Suggested answers",
    "Riwayat": "History",
    "Tidak ada draf yang menunggu persetujuan.": "No drafts waiting for approval.",
    "Hari ini": "Today",
    "Tiket baru": "New tickets",
    "Dijawab": "Answered",
    "Masih terbuka": "Still open",
    "Lewat tenggat": "Overdue",
    "Menunggu persetujuan": "Awaiting approval",
    "Tiket 30 hari terakhir": "Tickets, last 30 days",
    "Judul": "Title",
    "Kata kunci": "Keywords",
    "Contoh pertanyaan": "Example questions",
    "Teks jawaban": "Answer text",
    "Kirim otomatis": "Send automatically",
    "Aktif": "Active",
    "Dipakai": "Used",
    "Simpan": "Save",
    "Pratinjau": "Preview",
    "Jawaban baru": "New answer",
    "Nonaktifkan": "Deactivate",
    "Aktifkan": "Activate",
    "Impor": "Import",
    "Ekspor": "Export",
    "Semua unit": "All units",
    "segmen SMS": "SMS segments",
    "Unit dan pertanyaan lanjutan": "Units and follow-up questions",
    "Pengguna": "Staff users",
    "Komite": "Committee",
    "Templat balasan": "Reply templates",
    "Nomor HP warga": "Citizen's phone number",
    "Isi aduan": "Complaint",
    "Catat aduan": "Record complaint",
    "Sunting": "Edit",
    "Bahasa": "Language",
    "Simpan templat": "Save template",
    "Kembalikan bawaan": "Restore default",
    "Tambah": "Add",
    "Peran": "Role",
    "Nama lengkap": "Full name",
    "Pesan tertahan": "Held messages",
    "Pengirim": "Sender",
    "Isi pesan": "Message",
    "Percobaan": "Attempts",
    "Galat": "Error",
    "Disisihkan": "Set aside",
    "Coba lagi": "Retry",
    "lampiran": "attachments",
    "Tidak ada pesan tertahan.": "No held messages.",
    "Pesan yang berulang kali gagal diproses bot disisihkan di sini agar pesan berikutnya dari "
    "pengirim yang sama tidak ikut tertahan; pesan ini belum menjadi tiket dan belum dibalas.": (
        "Messages the bot failed to process several times are set aside here so that the same "
        "sender's next messages are not held up; they are not tickets yet and were not answered."
    ),
    "Perbaiki penyebabnya, lalu tekan Coba lagi: bot memprosesnya seperti pesan baru, dengan "
    "waktu diterima semula. Pesan tertahan dihapus otomatis empat minggu setelah disisihkan.": (
        "Fix the cause, then press Retry: the bot processes the message like a new one, with its "
        "original time of receipt. Held messages are deleted four weeks after they were set aside."
    ),
    "Menampilkan %(shown)d yang terbaru dari %(total)d pesan.": (
        "Showing the latest %(shown)d of %(total)d messages."
    ),
    "Pesan dikembalikan ke antrean; bot akan memprosesnya sebentar lagi.": (
        "The message is back in the queue; the bot will process it shortly."
    ),
    "Pesan ini sudah tidak tertahan (sudah diproses atau dihapus); tidak ada yang diubah.": (
        "This message is no longer held (already processed or deleted); nothing was changed."
    ),
    "tambahkan ke tiket terbuka warga": "add to the citizen's open ticket",
    "Pilih unit untuk aduan ini: tanpa unit, aduan hanya ditambahkan ke tiket terbuka warga "
    "yang dapat Anda buka.": (
        "Choose a unit for this complaint: without one, a complaint is only added to an open "
        "ticket of the citizen's that you can open."
    ),
    "Aduan dicatat sebagai tiket %(number)s; warga menerima SMS tanda terima.": (
        "Complaint recorded as ticket %(number)s; the citizen receives an acknowledgement by SMS."
    ),
    "Aduan dicatat; warga menerima SMS tanda terima berisi nomor tiketnya.": (
        "Complaint recorded; the citizen receives an acknowledgement by SMS with the ticket number."
    ),
    "Aduan dicatat sebagai tiket %(number)s. Warga ini pernah mengirim STOP: tidak ada SMS yang "
    "dikirim kepadanya.": (
        "Complaint recorded as ticket %(number)s. This citizen sent STOP earlier: no SMS is sent "
        "to them."
    ),
    "Aduan dicatat. Warga ini pernah mengirim STOP: tidak ada SMS yang dikirim kepadanya.": (
        "Complaint recorded. This citizen sent STOP earlier: no SMS is sent to them."
    ),
    "%(count)d jawaban diimpor.": "%(count)d answers imported.",
    "%(count)d jawaban yang tidak dapat Anda ubah (untuk semua unit atau unit lain) tidak berubah "
    "dan dilewati.": (
        "%(count)d answers you cannot change (for all units or another unit's) were unchanged and "
        "skipped."
    ),
    "Tiket sudah ditutup; draf ini tidak dikirim.": "The ticket is closed; this draft is not sent.",
    "Tiket sudah dijawab; draf ini tidak dikirim. Tulis jawaban baru bila perlu.": (
        "The ticket has been answered; this draft is not sent. Write a new answer if needed."
    ),
    "Tiket ini aduan etik yang ditangani komite; draf dari pustaka tidak dikirim.": (
        "This is an ethics complaint handled by the committee; the library draft is not sent."
    ),
    "Tiket sudah dialihkan ke unit lain; draf dari pustaka unit sebelumnya tidak dikirim.": (
        "The ticket was transferred to another unit; the draft from the previous unit's library is "
        "not sent."
    ),
    "Jawaban tiket %(number)s disetujui dan dikirim ke warga.": (
        "The answer to ticket %(number)s was approved and sent to the citizen."
    ),
    "Jawaban tiket %(number)s dikirim ke warga.": (
        "The answer to ticket %(number)s was sent to the citizen."
    ),
    "Jawaban tiket %(number)s disetujui dan disimpan, tetapi tidak dikirim: warga sudah meminta "
    "berhenti menerima pesan (STOP).": (
        "The answer to ticket %(number)s was approved and saved, but not sent: the citizen asked "
        "to stop receiving messages (STOP)."
    ),
    "Jawaban tiket %(number)s disimpan, tetapi tidak dikirim: warga sudah meminta berhenti "
    "menerima pesan (STOP).": (
        "The answer to ticket %(number)s was saved, but not sent: the citizen asked to stop "
        "receiving messages (STOP)."
    ),
    "Tiket %(number)s dialihkan ke %(unit)s; warga sudah diberi tahu.": (
        "Ticket %(number)s was transferred to %(unit)s; the citizen has been told."
    ),
    "Tiket %(number)s dialihkan ke %(unit)s; warga tidak diberi tahu karena sudah meminta "
    "berhenti menerima pesan (STOP).": (
        "Ticket %(number)s was transferred to %(unit)s; the citizen was not told, having asked "
        "to stop receiving messages (STOP)."
    ),
    "Alasan (boleh kosong)": "Reason (optional)",
    "Alasan (dikirim ke warga)": "Reason (sent to the citizen)",
    "tanpa pemberitahuan (duplikat/spam)": "without notice (duplicate/spam)",
    "tanpa pemberitahuan ke warga": "citizen not told",
    "Tiket ini belum dijawab: warga menerima alasan penutupan.": (
        "This ticket has no answer yet: the citizen is sent the reason for closing it."
    ),
    "Tuliskan alasan membuka kembali tiket.": "Write why the ticket is reopened.",
    "Tiket ini belum dijawab: tuliskan alasan penutupan. Alasan itu dikirim ke warga, kecuali "
    'Anda mencentang "tanpa pemberitahuan".': (
        "This ticket has no answer yet: write why it is closed. The reason is sent to the citizen "
        'unless you tick "without notice".'
    ),
    "Tiket %(number)s diselesaikan dan ditutup.": "Ticket %(number)s was resolved and closed.",
    "Tiket %(number)s ditutup; warga diberi tahu alasannya.": (
        "Ticket %(number)s was closed; the citizen was told the reason."
    ),
    "Tiket %(number)s ditutup; warga tidak diberi tahu karena sudah meminta berhenti menerima "
    "pesan (STOP).": (
        "Ticket %(number)s was closed; the citizen was not told, having asked to stop receiving "
        "messages (STOP)."
    ),
    "Tiket %(number)s ditutup tanpa pemberitahuan ke warga.": (
        "Ticket %(number)s was closed without telling the citizen."
    ),
    "Foto": "Photo",
    "Dokumen": "Document",
    "Lokasi": "Location",
    "Kontak": "Contact",
    "Berkas": "File",
    "Unduh": "Download",
    "berkas tidak dibuka untuk petugas pada tiket rahasia": (
        "file not opened to officers on a confidential ticket"
    ),
    "berkas ada di penyedia (%(channel)s), tidak diunduh Aduan": (
        "file held by the provider (%(channel)s), not downloaded by Aduan"
    ),
    "Pengiriman": "Delivery",
    "antri": "queued",
    "terkirim": "sent",
    "diterima": "delivered",
    "gagal": "failed",
    "dicoba lagi": "retrying",
    "Rincian dari penyedia": "Provider's details",
    "Sudah dikirim ulang.": "Already sent again.",
    "Kirim ulang": "Send again",
    "atau hubungi warga lewat telepon": "or phone the citizen",
    "Jawaban gagal terkirim": "Answer not delivered",
    "Gagal": "Failed",
    "Sebab": "Reason",
    "Tiket dibuka kembali dan tenggatnya berjalan lagi.": "The ticket was reopened and its deadline runs again.",
    "Kirim ulang jawaban di bawah, tulis jawaban baru, atau hubungi warga lewat telepon.": "Send the answer below again, write a new answer, or phone the citizen.",
    "Jawaban ini tidak sampai ke warga. Buka tiketnya untuk mengirim ulang, menulis jawaban baru, atau menelepon warga.": "These answers did not reach the citizen. Open the ticket to send again, write a new answer, or phone the citizen.",
    "Warga sudah meminta berhenti menerima pesan (STOP).": "The citizen asked to stop receiving messages (STOP).",
    "Pengiriman terputus berkali-kali; pesan mungkin sudah atau belum sampai.": "Sending was interrupted several times; the message may or may not have arrived.",
    "Saluran pesan ini tidak aktif lagi di Aduan.": "This message's channel is no longer enabled in Aduan.",
    "Saluran pesan ini belum lengkap pengaturannya (kunci API tidak ada).": "This message's channel is not fully configured (an API key is missing).",
    "Di luar jendela 24 jam WhatsApp dan tidak ada templat yang disetujui.": "Outside WhatsApp's 24-hour window and no approved template.",
    "Sebagian pesan (SMS bersambung) tidak terkirim.": "Part of the message (a multi-part SMS) was not sent.",
    "Penyedia layanan tidak dapat mengirim pesan ini ke nomor warga.": "The provider could not send this message to the citizen's number.",
    "Pesan dikirim ulang ke warga; statusnya tampil di percakapan.": "The message was sent to the citizen again; its status shows in the conversation.",
    "Pesan ini tidak gagal; tidak dikirim ulang.": "This message did not fail; it was not sent again.",
    "Pesan ini sudah dikirim ulang.": "This message was already sent again.",
    "Warga sudah meminta berhenti menerima pesan (STOP); pesan tidak dikirim ulang.": "The citizen asked to stop receiving messages (STOP); the message was not sent again.",
    "Pesan tidak dapat dikirim ulang.": "The message cannot be sent again.",
    "Pesan tidak ditemukan pada tiket ini.": "No such message on this ticket.",
    "Tiket yang sudah ditutup tidak dapat dikirimi pesan.": "A closed ticket cannot be sent messages.",
}


def lang() -> str:
    """The language chosen in this session (Indonesian by default)."""
    chosen = session.get("lang", "id")
    return chosen if chosen in LANGS else "id"


def tr(text: str) -> str:
    """The text in the session's language."""
    return EN.get(text, text) if lang() == "en" else text

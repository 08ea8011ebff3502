"""The admin's two languages: Indonesian in the templates, English from this dictionary.

A plain dictionary keyed by the Indonesian text rather than Flask-Babel: the admin has a few hundred
words, no plural rules to speak of, and no translators' tooling to feed. A missing entry shows Indonesian
(tests/admin/test_i18n.py fails on one for a flash, a form's problem or a label).

Flash messages are translated when they are flashed, in the officer's language then: Flask keeps a
flash as a plain string in the session until the next page shows it, the same session and language.
Messages with values are constants with named placeholders, `tr(CLOSED) % {"number": number}`, so
the dictionary has one entry whatever the values; reasons built elsewhere (bot.replies, the library
import) come as a bot.problems.Problem and are translated by `say`.
"""

from __future__ import annotations

from typing import Any

from flask import session

from bot.problems import Problem

LANGS = ("id", "en")

EN = {
    "Data pribadi tiket ini sudah dihapus (retensi data); tiket ini tidak dapat diubah lagi.": (
        "This ticket's personal data was removed (data retention); it can no longer be changed."
    ),
    "Tiket %(number)s baru saja dialihkan ke unit lain atau dikirim ke komite; tidak ada yang diubah.": (
        "Ticket %(number)s was just transferred to another unit or sent to the committee; nothing "
        "was changed."
    ),
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
    "Hanya yang jawabannya gagal terkirim": "Failed answers only",
    "jawaban gagal": "answer failed",
    "Jawaban terakhir tidak sampai ke warga.": "The latest answer did not reach the citizen.",
    "Semua di kotak masuk": "All in the inbox",
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
    "Warga mengirim STOP: pesan ke warga dicatat tetapi tidak dikirim sampai warga mengirim MULAI. "
    "Hubungi lewat telepon, atau tunggu.": "The citizen sent STOP: messages to them are recorded but "
    "not sent until they send MULAI (START). Phone them, or wait.",
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
    "Aduan dicatat sebagai tiket %(number)s; warga menerima tanda terima lewat %(via)s.": (
        "Complaint recorded as ticket %(number)s; the citizen receives an acknowledgement by "
        "%(via)s."
    ),
    "Aduan dicatat; warga menerima tanda terima berisi nomor tiketnya lewat %(via)s.": (
        "Complaint recorded; the citizen receives an acknowledgement by %(via)s with the ticket "
        "number."
    ),
    "Aduan dicatat sebagai tiket %(number)s. Warga ini pernah mengirim STOP: tidak ada pesan "
    "%(via)s yang dikirim kepadanya.": (
        "Complaint recorded as ticket %(number)s. This citizen sent STOP earlier: no %(via)s "
        "message is sent to them."
    ),
    "Aduan dicatat. Warga ini pernah mengirim STOP: tidak ada pesan %(via)s yang dikirim "
    "kepadanya.": "Complaint recorded. This citizen sent STOP earlier: no %(via)s message is sent to them.",
    "Pilih saluran jawaban yang aktif.": "Choose an active channel for the answer.",
    "Teks jawaban boleh memakai variabel ini; diisi saat draf dibuat:": (
        "The answer text may use these variables, filled in when the draft is made:"
    ),
    "Teks tanpa {{ dipakai apa adanya.": "A text without {{ is used as written.",
    "WhatsApp tidak ditawarkan: %(channels)s belum punya template yang disetujui. WhatsApp hanya "
    "mengizinkan pesan bebas 24 jam setelah warga menulis; di luar itu hanya template.": (
        "WhatsApp is not offered: %(channels)s has no approved template. WhatsApp allows free-form "
        "messages only for 24 hours after the citizen wrote; outside that, only a template."
    ),
    "Jawaban dikirim lewat": "Answer sent by",
    "Lewat WhatsApp, pesan di luar jendela 24 jam (warga belum menulis lewat WhatsApp dalam 24 jam "
    "terakhir) dikirim dengan template yang disetujui.": (
        "On WhatsApp, messages outside the 24-hour window (the citizen has not written on WhatsApp "
        "in the last 24 hours) are sent with the approved template."
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
    # the ethics lexicon page (admin.lexicon)
    "Leksikon etik": "Ethics lexicon",
    "Istilah": "Term",
    "Istilah baru": "New term",
    "Terakhir diubah": "Last changed",
    "Belum ada perubahan.": "No changes yet.",
    "Leksikon kosong: tidak ada aduan yang ditandai otomatis.": (
        "The lexicon is empty: no complaint is flagged automatically."
    ),
    "Aduan yang memuat salah satu istilah aktif ditandai sebagai aduan etik, disembunyikan dari "
    "unit, dan diteruskan ke komite. Perubahan berlaku untuk pesan berikutnya.": (
        "A complaint containing an active term is flagged as an ethics case, hidden from the unit "
        "and sent to the committee. Changes apply from the next message on."
    ),
    "Istilah tidak boleh kosong.": "The term cannot be empty.",
    "Istilah terlalu panjang (maksimal %(max)d karakter).": (
        "The term is too long (at most %(max)d characters)."
    ),
    "Istilah harus memuat minimal %(min)d huruf atau angka.": (
        "The term needs at least %(min)d letters or digits."
    ),
    "Istilah “%(term)s” sudah ada di leksikon (dibaca sama dengan “%(typed)s”).": (
        "The term “%(term)s” is already in the lexicon (it reads the same as “%(typed)s”)."
    ),
    "Istilah “%(term)s” sudah ada tetapi nonaktif; aktifkan dari daftar.": (
        "The term “%(term)s” exists but is inactive; activate it from the list."
    ),
    "Istilah “%(term)s” ditambahkan; pesan berikutnya disaring dengannya.": (
        "The term “%(term)s” was added; the next messages are screened with it."
    ),
    "Istilah “%(before)s” diubah menjadi “%(term)s”.": "The term “%(before)s” is now “%(term)s”.",
    "Istilah “%(term)s” dinonaktifkan; pesan berikutnya tidak disaring dengannya.": (
        "The term “%(term)s” was deactivated; the next messages are not screened with it."
    ),
    "Istilah “%(term)s” diaktifkan kembali.": "The term “%(term)s” is active again.",
    # the ticket page's ethics action (admin.ticket_ops.ethics)
    "Teruskan ke komite (pelanggaran etika)": "Send to the committee (ethics breach)",
    "Teruskan ke komite": "Send to the committee",
    "Tiket menjadi aduan etik: disembunyikan dari unit, draf ditarik, komite dan warga diberi "
    "tahu.": (
        "The ticket becomes an ethics case: hidden from the unit, drafts withdrawn, the committee "
        "and the citizen told."
    ),
    "Tiket %(number)s diteruskan ke komite sebagai dugaan pelanggaran etika; warga sudah diberi "
    "tahu. Unit tidak lagi melihat tiket ini.": (
        "Ticket %(number)s was sent to the committee as a possible ethics breach; the citizen has "
        "been told. The unit no longer sees this ticket."
    ),
    "Tiket %(number)s diteruskan ke komite sebagai dugaan pelanggaran etika; warga tidak diberi "
    "tahu karena sudah meminta berhenti menerima pesan (STOP). Unit tidak lagi melihat tiket ini.": (
        "Ticket %(number)s was sent to the committee as a possible ethics breach; the citizen was "
        "not told, having asked to stop receiving messages (STOP). The unit no longer sees this "
        "ticket."
    ),
    "Tuliskan alasan: mengapa aduan ini pelanggaran etika?": (
        "Write the reason: why is this complaint an ethics breach?"
    ),
    "Tiket %(number)s sudah ditangani komite sebagai aduan etik.": (
        "Ticket %(number)s is already with the committee as an ethics case."
    ),
    "Tiket yang sudah ditutup tidak dapat diteruskan ke komite; buka kembali dahulu.": (
        "A closed ticket cannot be sent to the committee; reopen it first."
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
    "berkas sedang diambil dari penyedia (%(channel)s)": (
        "file being fetched from the provider (%(channel)s)"
    ),
    "berkas gagal diambil dari penyedia (%(channel)s)": (
        "file could not be fetched from the provider (%(channel)s)"
    ),
    "berkas terlalu besar": "file too large",
    "jenis berkas tidak diunduh": "file type not downloaded",
    "saluran tidak mendukung pengunduhan": "the channel does not support downloads",
    "tidak ada lagi di penyedia": "no longer at the provider",
    "penyedia tidak menjawab": "the provider did not answer",
    "Jam per prioritas harus angka lebih dari 0 sampai 720, atau dikosongkan.": (
        "Hours per priority must be a number above 0 up to 720, or left empty."
    ),
    "Perhatian: tenggat prioritas %(faster)s lebih lama daripada prioritas %(slower)s. "
    "Tabel tetap disimpan; periksa kembali bila tidak disengaja.": (
        "Note: the deadline for priority %(faster)s is longer than for priority %(slower)s. "
        "The table was saved; check it if this was not intended."
    ),
    "Daftar hari libur nasional dan cuti bersama %(year)s belum ada (bot/holidays/%(year)s.toml): "
    "tenggat SLA jam kerja menghitung hari libur itu sebagai hari kerja. Tambahkan berkas tahun itu "
    "sesuai SKB 3 Menteri (lihat README), atau isi [sla] extra_holidays.": (
        "The list of public holidays and cuti bersama for %(year)s is missing "
        "(bot/holidays/%(year)s.toml): office-hours SLA deadlines count those days as working days. "
        "Add that year's file from the SKB 3 Menteri (see the README), or fill in [sla] "
        "extra_holidays."
    ),
    "Tabel prioritas (jam; kosong = SLA unit × faktor global)": (
        "Priority table (hours; empty = the unit's SLA × the global factor)"
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
    "Tampilkan nomor": "Show number",
    # the audit log's actions (display.ACTION)
    "tiket dibuka": "ticket opened",
    "dijawab": "answered",
    "diambil": "claimed",
    "dialihkan": "transferred",
    "ditutup": "closed",
    "dibuka kembali": "reopened",
    "prioritas diubah": "priority changed",
    "dieskalasi ke komite": "escalated to the committee",
    "ditandai aduan etik (ke komite)": "marked an ethics complaint (to the committee)",
    "dicatat petugas (aduan langsung)": "recorded by an officer (walk-in)",
    "jawaban gagal terkirim": "answer not delivered",
    "jawaban ternyata sampai (laporan terlambat)": "answer delivered after all (late receipt)",
    "nomor telepon warga ditampilkan": "citizen's phone number shown",
    "pesan dikirim ulang": "message sent again",
    "draf disetujui": "draft approved",
    "draf ditolak": "draft rejected",
    "draf ditarik": "draft withdrawn",
    "istilah ditambahkan": "term added",
    "istilah diubah": "term reworded",
    "istilah dinonaktifkan": "term switched off",
    "istilah diaktifkan lagi": "term switched on again",
    "nonaktif": "inactive",
    "untuk menelepon warga; tercatat di riwayat tiket": "to phone the citizen; recorded in the ticket's history",
    "Nomor telepon warga tidak diketahui (mis. Telegram tanpa nomor).": "The citizen's phone number is not known (e.g. Telegram without a number).",
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
    "Draf jawaban dari pustaka, tenggat terdekat di atas. Periksa, ubah bila perlu, lalu setujui untuk mengirim ke warga.": "Draft answers from the library, nearest deadline first. Check them, edit if needed, then approve to send them to the citizen.",
    "Tiket": "Ticket",
    "Untuk warga yang datang langsung atau menelepon. Aduan diproses sama seperti SMS dari nomor itu: warga menerima tanda terima dan jawaban di HP-nya.": "For citizens who come in person or phone. The complaint is handled exactly like an SMS from that number: the citizen gets the receipt and the answer on their phone.",
    "Nama warga (boleh kosong)": "Citizen's name (optional)",
    "Diterima lewat": "Received by",
    "datang langsung": "in person",
    "telepon": "phone",
    "tampilkan yang nonaktif": "show inactive ones",
    "CSV/XLSX dengan kolom yang sama seperti ekspor": "CSV/XLSX with the same columns as the export",
    "ya": "yes",
    "tidak": "no",
    "aktif": "active",
    "Kode": "Code",
    "Nama": "Name",
    "Pertanyaan lanjutan": "Follow-up questions",
    "jam": "hours",
    "Pengingat SLA": "SLA reminders",
    "Pengingat dan pelanggaran SLA": "SLA reminders and breaches",
    "Waktu": "Time",
    "Peristiwa": "Event",
    "Dikirim ke": "Sent to",
    "Lewat batas waktu: diteruskan ke komite": "Past the deadline: sent to the committee",
    "Pengingat": "Reminder",
    "Belum ada pengingat.": "No reminders yet.",
    "Rekap": "Recap",
    "grafik": "chart",
    "Rekapitulasi aduan": "Complaints recap",
    "Bulan": "Month",
    "Tampilkan": "Show",
    "Unduh XLSX": "Download XLSX",
    "CSV ringkasan": "Summary CSV",
    "CSV tiket": "Tickets CSV",
    "Aduan diterima per unit": "Complaints received per unit",
    "Dijawab tepat waktu per unit": "Answered on time per unit",
    "Per kanal": "Per channel",
    "Indikator": "Indicator",
    'Unit tidak termasuk aduan dugaan pelanggaran etik; angka "Semua" termasuk. Dihitung sampai': 'Units leave out suspected ethics violations; the "All" column includes them. Counted up to',
    "Loket/telepon": "Desk/phone",
    "Dijawab tepat waktu": "Answered on time",
    "Tepat waktu (%)": "On time (%)",
    "Median waktu jawab (jam)": "Median time to answer (hours)",
    "P90 waktu jawab (jam)": "P90 time to answer (hours)",
    "Belum dijawab": "Not yet answered",
    "Lewat batas waktu": "Past the deadline",
    "Ditutup tanpa jawaban": "Closed without an answer",
    "Dialihkan": "Transferred",
    "Dieskalasi": "Escalated",
    "Dugaan pelanggaran etik": "Suspected ethics violation",
    "Dibuka kembali": "Reopened",
    "Puas": "Satisfied",
    "Tidak puas": "Not satisfied",
    "Kepuasan (%)": "Satisfaction (%)",
    "Ditangani petugas ≤ 15 menit (%)": "Handled by an officer within 15 minutes (%)",
    "Dianalisis ≤ 15 menit (%)": "Analysed within 15 minutes (%)",
    "Tanpa analisis": "Without an analysis",
    "Didokumentasikan ≤ 30 menit (%)": "Documented within 30 minutes (%)",
    "Ditutup tanpa dokumentasi": "Closed without documentation",
    "Langkah SOP: analisis dihitung dari tindakan petugas sebelumnya (atau dari penerimaan), dokumentasi (alasan saat petugas menutup tiket) dari analisis (atau dari penerimaan), dengan jam layanan SLA; persentasenya hanya dari tiket yang langkahnya dilakukan.": "SOP steps: the analysis is timed from the officer's previous action (or from receipt), the documentation (the reason an officer gives on closing) from the analysis (or from receipt), on the SLA office hours; the shares count only tickets where the step was done.",
    "Analisis": "Analysis",
    "SOP langkah 3: uraikan masalah dan peraturan yang berlaku, lalu rekomendasikan penyelesaiannya (target 15 menit). Tidak dikirim ke warga.": "SOP step 3: set out the problem and the regulations that apply, then recommend a solution (target 15 minutes). Not sent to the citizen.",
    "Pertama disimpan": "First saved",
    "terakhir diubah": "last changed",
    "Uraian masalah": "Problem",
    "Peraturan yang berlaku": "Regulations that apply",
    "mis. Perda, Perbup, SOP unit; boleh kosong": "e.g. a regional or regent's regulation, the unit's SOP; optional",
    "Rekomendasi penyelesaian": "Recommended solution",
    "Simpan analisis": "Save analysis",
    "Analisis tiket %(number)s disimpan.": "Analysis of ticket %(number)s saved.",
    "Analisis tiket %(number)s tidak berubah.": "Analysis of ticket %(number)s unchanged.",
    "Isi uraian masalah dan rekomendasi penyelesaian.": "Fill in the problem and the recommended solution.",
    "analisis disimpan": "analysis saved",
    "Alasan ini juga menjadi dokumentasi penyelesaian (SOP langkah 4).": "This reason is also the resolution record (SOP step 4).",
    "Dokumentasi penyelesaian": "Resolution record",
    "Apa yang dilakukan dan hasilnya": "What was done and the outcome",
    "SOP langkah 4 (target 30 menit): tercatat di riwayat tiket, tidak dikirim ke warga. Tanpa isian, tiket ditutup tanpa dokumentasi.": "SOP step 4 (target 30 minutes): kept in the ticket's history, not sent to the citizen. Left empty, the ticket is closed without documentation.",
    "Pakai di jawaban": "Use in the answer",
    "Tiket sudah ditutup.": "The ticket is closed.",
    "Tidak dikirim ke warga": "Not sent to the citizen",
    "pisahkan dengan koma": "separate with commas",
    "seperti diterima warga": "as the citizen receives it",
    "Tulis teks jawaban lalu tekan Pratinjau.": "Write the answer text, then press Preview.",
    "Unit baru": "New unit",
    "Kode (dipakai warga di SMS, mis. DISHUB)": "Code (what citizens type in the SMS, e.g. DISHUB)",
    "Nama lain (satu per baris)": "Other names (one per line)",
    "Uraian tugas (membantu menebak unit untuk aduan tanpa kode)": "Duties (help guess the unit of a complaint without a code)",
    "Pengguna baru": "New user",
    "Unit yang dilayani (petugas)": "Units served (officers)",
    "Tingkat": "Level",
    "Nomor HP": "Mobile number",
    "Saluran pilihan": "Preferred channel",
    "kosongkan bila tidak diganti": "leave empty to keep it",
    "Kembali": "Back",
    "Teks yang dikirim bot ke warga. Perubahan dicoba dulu di kotak pasir; templat yang rusak ditolak.": "The texts the bot sends to citizens. A change is tried in a sandbox first; a broken template is refused.",
    "Templat": "Template",
    "diubah": "edited",
    "Sumber (Jinja2, kotak pasir)": "Source (Jinja2, sandboxed)",
    "rendah": "low",
    "biasa": "normal",
    "tinggi": "high",
    "mendesak": "urgent",
    # flash messages and the problems they report (admin.actions, auth, intake, library, settings,
    # reply_templates, ticket_ops; bot.replies.library's check of an answer's text)
    "Tiket %(number)s sudah ditutup; tidak ada jawaban yang dikirim.": (
        "Ticket %(number)s is closed; no answer was sent."
    ),
    "Teks jawaban tidak boleh kosong.": "The answer text cannot be empty.",
    "Teks jawaban terlalu panjang (%(length)d karakter, maksimal %(limit)d).": (
        "The answer text is too long (%(length)d characters, at most %(limit)d)."
    ),
    "Draf ini sudah %(status)s oleh %(actor)s (%(when)s); tidak dikirim lagi.": (
        "This draft was already %(status)s by %(actor)s (%(when)s); it is not sent again."
    ),
    "disetujui": "approved",
    "ditolak": "rejected",
    "Draf untuk tiket %(number)s ditolak.": "The draft for ticket %(number)s was rejected.",
    "Jawaban ini sudah dikirim untuk tiket %(number)s.": (
        "This answer was already sent for ticket %(number)s."
    ),
    "Silakan masuk terlebih dahulu.": "Please log in first.",
    "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.": (
        "The form has expired or is not valid. Reload the page and try again."
    ),
    "Selamat datang, %(name)s.": "Welcome, %(name)s.",
    "Anda sudah keluar.": "You are logged out.",
    "Nama pengguna atau kata sandi salah.": "Wrong username or password.",
    "Akun ini dinonaktifkan. Hubungi admin.": "This account is deactivated. Contact the admin.",
    "Terlalu banyak percobaan gagal. Coba lagi dalam 15 menit.": (
        "Too many failed attempts. Try again in 15 minutes."
    ),
    "Halaman atau tiket ini bukan untuk Anda.": "This page or ticket is not for you.",
    "Halaman atau tiket tidak ditemukan.": "Page or ticket not found.",
    "Kembali ke kotak masuk": "Back to the inbox",
    "(dirahasiakan)": "(confidential)",
    "Rekap bulanan": "Monthly recap",
    "Nomor HP warga tidak sah.": "The citizen's mobile number is not valid.",
    "Isi aduan tidak boleh kosong.": "The complaint cannot be empty.",
    "Unit tidak dikenal.": "Unknown unit.",
    "Pesan diteruskan ke bot, tetapi belum menjadi tiket (mis. unit belum jelas); balasan bot "
    "dikirim ke HP warga.": (
        "The message went to the bot but is not a ticket yet (e.g. the unit is unclear); the "
        "bot's replies went to the citizen's phone."
    ),
    "berkas berisi lebih dari %(max)d baris jawaban": "the file holds more than %(max)d answers",
    "berkas berisi lebih dari %(max)d baris": "the file holds more than %(max)d rows",
    "baris pertama harus: %(columns)s": "the first row must be: %(columns)s",
    "berkas XLSX tidak dapat dibaca": "the XLSX file cannot be read",
    "berkas CSV harus UTF-8": "a CSV file must be UTF-8",
    "berkas CSV tidak dapat dibaca (%(error)s)": "the CSV file cannot be read (%(error)s)",
    "unit %(code)s tidak dikenal": "unknown unit %(code)s",
    "judul dan teks jawaban wajib diisi": "the title and the answer text are required",
    "variabel tidak dikenal: %(names)s; yang tersedia: %(known)s": (
        "unknown variable: %(names)s; available: %(known)s"
    ),
    "templat tidak sah (baris %(line)d): %(error)s": "invalid template (line %(line)d): %(error)s",
    "templat tidak sah: %(error)s": "invalid template: %(error)s",
    "templat menghasilkan teks kosong": "the template renders empty",
    "Jawaban disimpan. Draf berikutnya memakai teks ini.": (
        "Answer saved. The next drafts use this text."
    ),
    "Jawaban “%(title)s” diaktifkan.": "The answer “%(title)s” was activated.",
    "Jawaban “%(title)s” dinonaktifkan.": "The answer “%(title)s” was deactivated.",
    "Pilih berkas CSV atau XLSX (maksimal %(max)d KB).": (
        "Choose a CSV or XLSX file (at most %(max)d KB)."
    ),
    "Impor dibatalkan: %(problem)s": "Import cancelled: %(problem)s",
    "baris %(row)d: %(problem)s": "row %(row)d: %(problem)s",
    "teks jawaban: %(problem)s": "answer text: %(problem)s",
    "Anda hanya dapat menyimpan jawaban untuk unit Anda.": (
        "You can only save answers for your own units."
    ),
    "jawaban untuk semua unit hanya dapat diubah admin": (
        "an answer for all units can only be changed by an admin"
    ),
    "unit %(code)s bukan unit Anda": "unit %(code)s is not one of yours",
    "jawaban ini milik unit lain": "this answer belongs to another unit",
    "tidak ada contoh konteks untuk %(key)s": "no sample context for %(key)s",
    "templat menghasilkan pesan kosong": "the template renders an empty message",
    "Templat ditolak: %(problem)s": "Template refused: %(problem)s",
    "Templat disimpan; balasan berikutnya memakai teks ini.": (
        "Template saved; the next replies use this text."
    ),
    "Templat dikembalikan ke teks bawaan.": "Template restored to the default text.",
    "Kode (huruf/angka), nama dan jam SLA (0–720) wajib benar.": (
        "The code (letters/digits), the name and the SLA hours (0–720) must be valid."
    ),
    "Unit %(code)s sudah ada.": "Unit %(code)s already exists.",
    "Unit %(code)s disimpan.": "Unit %(code)s saved.",
    "Peran tidak dikenal.": "Unknown role.",
    "Nomor HP tidak sah.": "The mobile number is not valid.",
    "Petugas harus melayani minimal satu unit.": "An officer must serve at least one unit.",
    "Anggota komite perlu tingkat (anggota/ketua/pengarah) dan nomor HP.": (
        "A committee member needs a level (anggota/ketua/pengarah) and a mobile number."
    ),
    "Kata sandi minimal %(min)d karakter.": "The password needs at least %(min)d characters.",
    "Nama pengguna kosong, tidak sah, atau sudah dipakai.": (
        "The username is empty, not valid, or already taken."
    ),
    "Anda tidak dapat menonaktifkan akun Anda sendiri.": "You cannot deactivate your own account.",
    "Akun %(username)s disimpan.": "Account %(username)s saved.",
    "Tiket %(number)s sudah ditutup.": "Ticket %(number)s is already closed.",
    "Tiket %(number)s sekarang ditangani %(name)s.": "Ticket %(number)s is now handled by %(name)s.",
    "Tuliskan alasan pengalihan.": "Write the reason for the transfer.",
    "Pilih unit tujuan yang lain dan aktif.": "Choose another, active unit.",
    "Tiket yang sudah ditutup tidak dapat dialihkan.": "A closed ticket cannot be transferred.",
    "Tiket yang sudah ditutup tidak dapat diambil.": "A closed ticket cannot be taken on.",
    "Tiket yang sudah ditutup tidak dapat dieskalasi ke komite; buka kembali dahulu.": (
        "A closed ticket cannot be escalated to the committee; reopen it first."
    ),
    "Tiket %(number)s dieskalasi ke komite.": "Ticket %(number)s was escalated to the committee.",
    "Tiket %(number)s masih terbuka.": "Ticket %(number)s is still open.",
    "Tiket %(number)s dibuka kembali.": "Ticket %(number)s was reopened.",
    "Prioritas tidak dikenal.": "Unknown priority.",
    "Prioritas tiket %(number)s diubah.": "The priority of ticket %(number)s was changed.",
    "Catatan kosong tidak disimpan.": "An empty note is not saved.",
    "Catatan internal disimpan.": "Internal note saved.",
    # the ticket and dashboard pages' last Indonesian words, the staff roles, the drafts' status
    "Tidak ada tiket yang lewat tenggat.": "No overdue tickets.",
    "Periksa teks di bawah. Ubah bila perlu, lalu setujui; warga menerima jawaban ini.": (
        "Check the text below. Edit it if needed, then approve; the citizen receives this answer."
    ),
    "Tidak ada jawaban pustaka yang cocok.": "No library answer matches.",
    "skor": "score",
    "admin": "admin",
    "petugas": "officer",
    "komite": "committee",
    "Menunggu": "Pending",
    "Disetujui": "Approved",
    "Ditolak": "Rejected",
    # the forms' aria-labels and placeholders
    "Alasan menolak (opsional)": "Reason for rejecting (optional)",
    "Alasan menolak": "Reason for rejecting",
    "Alasan membuka kembali": "Reason for reopening",
    "Alasan penutupan": "Reason for closing",
    "No. tiket atau kata dalam aduan": "Ticket no. or words in the complaint",
    "judul, kata kunci, isi": "title, keywords, text",
    "Jawaban": "Answer",
    "Alasan perubahan prioritas": "Reason for the priority change",
    "Unit tujuan": "Destination unit",
    "Alasan pengalihan": "Reason for the transfer",
    "Alasan eskalasi": "Reason for escalating",
    "Tindakan": "Actions",
    "Warga diberi tahu unit baru dan tenggat barunya.": (
        "The citizen is told the new unit and its new deadline."
    ),
}


def lang() -> str:
    """The language chosen in this session (Indonesian by default)."""
    chosen = session.get("lang", "id")
    return chosen if chosen in LANGS else "id"


def tr(text: str) -> str:
    """The text in the session's language."""
    return EN.get(text, text) if lang() == "en" else text


def say(problem: Problem) -> str:
    """A problem in the session's language, its values filled in (a value that is a problem too)."""
    if not problem.params:
        return tr(problem.text)
    values: dict[str, Any] = {
        k: say(v) if isinstance(v, Problem) else v for k, v in problem.params.items()
    }
    return tr(problem.text) % values

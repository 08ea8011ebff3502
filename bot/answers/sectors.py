"""Built-in vocabulary of common local-government sectors, used as a prior for routing.

A desk's units usually map onto a handful of sectors. When a unit's code, name or alias names one
of these sectors, the sector's words are learned as if they were the unit's description, so the
router starts with sensible knowledge before officers have routed anything. Written by hand from
general knowledge of Indonesian public services (not from any evaluation data).
"""

from __future__ import annotations

SECTORS: dict[str, tuple[tuple[str, ...], str]] = {
    "infrastruktur": (
        (
            "infrastruktur",
            "pu",
            "dpu",
            "pupr",
            "bina marga",
            "pekerjaan umum",
            "perhubungan",
            "dishub",
        ),
        "jalan rusak berlubang lubang aspal jalan desa jalan kabupaten jembatan putus ambrol "
        "retak gorong gorong drainase saluran air selokan mampet tanggul irigasi trotoar talud "
        "pengaspalan perbaikan jalan betonisasi cor jalan licin berbatu becek bergelombang "
        "rambu lalu lintas lampu lalu lintas marka jalan polisi tidur jalan sempit longsor "
        "proyek pembangunan kontraktor plengsengan bahu jalan tikungan kendaraan angkutan",
    ),
    "lingkungan": (
        ("lingkungan", "lingkungan hidup", "dlh", "kebersihan", "pertamanan"),
        "sampah menumpuk bau busuk tempat pembuangan sampah tps liar limbah pabrik pencemaran "
        "sungai tercemar polusi asap debu pembakaran sampah pohon tumbang penebangan pohon "
        "taman kotor kebersihan got banjir genangan air nyamuk demam berdarah fogging "
        "tambang galian pasir kebisingan bising limbah peternakan kotoran hewan sampah plastik "
        "penghijauan lahan kritis sungai dangkal",
    ),
    "ketertiban": (
        ("ketertiban", "satpol pp", "satpol", "trantib", "keamanan", "kesbangpol"),
        "parkir liar juru parkir pungutan liar pungli pedagang kaki lima preman keributan "
        "balapan liar knalpot brong minuman keras mabuk judi togel narkoba tawuran pencurian "
        "maling begal keamanan ronda siskamling ormas bangunan liar reklame liar spanduk "
        "karaoke hiburan malam warung remang prostitusi meresahkan mengganggu warga ketertiban "
        "petasan kebisingan malam kos kosan anak punk pengamen pengemis gelandangan",
    ),
    "pendidikan": (
        ("pendidikan", "disdik", "dindik", "disdikbud", "sekolah"),
        "sekolah guru murid siswa pelajar kepala sekolah ppdb zonasi pendaftaran sekolah "
        "beasiswa kip pip seragam buku pungutan sekolah biaya sekolah sd smp sma smk madrasah "
        "paud tk ujian rapor ijazah honorer gedung sekolah ruang kelas rusak kuliah kampus "
        "bos dana bos les bimbel kurikulum perundungan bullying",
    ),
    "sosial dan ekonomi": (
        ("sosial dan ekonomi", "sosial", "ekonomi", "dinsos", "disperindag", "perdagangan", "umkm"),
        "bansos bantuan sosial pkh blt bpnt sembako dtks miskin kemiskinan tidak mampu "
        "pengangguran lapangan kerja loker pekerjaan phk upah gaji umr harga naik mahal "
        "harga beras minyak goreng gas elpiji langka pupuk subsidi petani pasar pedagang "
        "umkm modal usaha pinjaman koperasi rentenir pinjol lansia disabilitas yatim "
        "rumah tidak layak huni rtlh bedah rumah kartu prakerja",
    ),
    "pelayanan publik": (
        ("pelayanan publik", "pelayanan", "layanan publik", "disdukcapil", "dinkes", "pdam"),
        "ktp kk kartu keluarga akta kelahiran akta kematian surat pindah disdukcapil nik "
        "pelayanan kantor desa kelurahan kecamatan perangkat desa surat keterangan antre "
        "lama berbelit pelayanan buruk petugas puskesmas rumah sakit dokter perawat bidan "
        "obat pasien bpjs kesehatan kis ambulans posyandu imunisasi stunting air pdam air "
        "mati air keruh listrik pln lampu jalan pju penerangan jalan sinyal internet "
        "administrasi sertifikat tanah izin perizinan pajak pbb samsat",
    ),
}


def sector_text(code: str, name: str, aliases: tuple[str, ...] = ()) -> str:
    """The built-in description for a unit whose code, name or alias names a known sector."""
    labels = {s.strip().lower() for s in (code, name, *aliases) if s}
    for sector, (names, text) in SECTORS.items():
        if labels & {sector, *names}:
            return text
    return ""

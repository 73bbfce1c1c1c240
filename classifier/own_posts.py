"""The project's own hand-written ASN-style posts (templates + contest fillers).

Every template below was written by the project for pantau; each is filled with several
contests, real (from the watchlists) and invented (fictional candidates, regions and
numbers), so the model learns stance patterns instead of names. Splits are by template
(no template is in two splits) and by contest (the ``unseen`` contests appear only in the
test split and in no watchlist).

Template slots: {cand} candidate short name, {pair} pair name, {num} ballot number,
{num2} zero-padded number ("02"), {tag} campaign hashtag, {sign} hand-sign emoji,
{contest} contest name, {region} region, {party} party, {office} office sought,
{other} a rival's short name, {onum} rival number, {date} voting date.
"""

from __future__ import annotations

import csv
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

SIGN = {1: "☝️", 2: "✌️", 3: "🤟", 4: "4️⃣", 5: "5️⃣"}


@dataclass(frozen=True)
class Contest:
    key: str
    contest: str
    region: str
    office: str
    date: str
    group: str  # "watchlist", "invented" or "unseen"
    # (number, short name, pair name, hashtag, party)
    cands: tuple[tuple[int, str, str, str, str], ...]


CONTESTS: list[Contest] = [
    Contest("pilpres-2024", "Pilpres 2024", "Indonesia", "presiden", "14 Februari", "watchlist", (
        (1, "Anies", "Anies-Muhaimin", "#AMIN", "NasDem"),
        (2, "Prabowo", "Prabowo-Gibran", "#PrabowoGibran2024", "Gerindra"),
        (3, "Ganjar", "Ganjar-Mahfud", "#GanjarMahfud2024", "PDI-P"),
        (2, "Mas Gibran", "Prabowo-Gibran", "#02MenangSatuPutaran", "Golkar"),
        (1, "Cak Imin", "AMIN", "#AniesMuhaimin2024", "PKB"),
        (3, "Pak Mahfud", "Ganjar-Mahfud", "#GanjarPresiden", "PPP"),
    )),
    Contest("pilgub-kalbar-2024", "Pilgub Kalbar", "Kalimantan Barat", "gubernur",
            "27 November", "watchlist", (
                (1, "Bang Midji", "Midji-Didi", "#MidjiDidi", "koalisi"),
                (2, "Ria Norsan", "Norsan-Krisantus", "#NorsanKrisantus", "koalisi"),
                (3, "Bang Muda", "Muda-Jakius", "#MudaJakius", "koalisi"),
            )),
    Contest("pilbup-sambas-2029", "Pilbup Sambas 2029", "Sambas", "bupati", "25 November",
            "invented", (
                (1, "Pak Hendra", "Hendra-Yusuf", "#HendraYusufSambas", "Partai Nusantara Jaya"),
                (2, "Bu Yohana", "Yohana-Rahmat", "#YohanaRahmat2029", "Partai Bintang Rakyat"),
                (3, "Bang Firman", "Firman-Sari", "#FirmanSari", "Partai Karya Bangsa"),
            )),
    Contest("pilwako-singkawang-2029", "Pilwako Singkawang", "Singkawang", "wali kota",
            "25 November", "invented", (
                (1, "Koh Aliong", "Aliong-Darmawan", "#AliongDarmawan", "Partai Cahaya Timur"),
                (2, "Bu Ratna", "Ratna-Hidayat", "#RatnaHidayat", "Partai Nusantara Jaya"),
                (4, "Pak Gunawan", "Gunawan-Iskandar", "#GunIs2029", "Partai Maju Bersama"),
            )),
    Contest("pilpres-2029", "Pilpres 2029", "Indonesia", "presiden", "14 Februari", "invented", (
        (1, "Pak Arief", "Arief-Larasati", "#AriefLarasati2029", "Partai Karya Bangsa"),
        (2, "Bu Dewi", "Dewi-Santoso", "#DewiSantoso", "Partai Bintang Rakyat"),
        (3, "Pak Bambang", "Bambang-Nurul", "#BangNurul2029", "Partai Cahaya Timur"),
    )),
    Contest("pilgub-sulteng-2030", "Pilgub Sulteng", "Sulawesi Tengah", "gubernur",
            "27 November", "invented", (
                (1, "Pak Lukman", "Lukman-Tandi", "#LukmanTandi", "Partai Garuda Muda"),
                (2, "Bu Nirwana", "Nirwana-Salim", "#NirwanaSalim2030", "Partai Maju Bersama"),
                (5, "Pak Rusdi", "Rusdi-Anwar", "#RusdiAnwar", "Partai Nusantara Jaya"),
            )),
    Contest("pileg-2029", "Pileg DPRD 2029", "Dapil Kalbar 3", "anggota DPRD", "14 Februari",
            "invented", (
                (7, "Pak Samsul", "Samsul Bahri caleg nomor urut 7", "#SamsulUntukRakyat",
                 "Partai Karya Bangsa"),
                (3, "Bu Melati", "Melati Puspita caleg nomor urut 3", "#MelatiDPRD",
                 "Partai Bintang Rakyat"),
            )),
    # Held out: never in training, dev or any watchlist (unseen-contest slice).
    Contest("pilbup-landak-2031", "Pilbup Landak 2031", "Landak", "bupati", "26 November",
            "unseen", (
                (1, "Pak Markus", "Markus-Halim", "#MarkusHalim2031", "Partai Rakyat Adil"),
                (2, "Bu Theresia", "Theresia-Umar", "#TheresiaUmar", "Partai Harapan Baru"),
                (3, "Bang Jefri", "Jefri-Syahrul", "#JefriSyahrul", "Partai Suara Desa"),
            )),
    Contest("pilwako-ambon-2032", "Pilwako Ambon", "Ambon", "wali kota", "24 November",
            "unseen", (
                (2, "Pak Oktovianus", "Okto-Ridwan", "#OktoRidwan", "Partai Harapan Baru"),
                (4, "Bu Saskia", "Saskia-Malik", "#SaskiaMalik2032", "Partai Rakyat Adil"),
            )),
    Contest("pilgub-babel-2031", "Pilgub Babel", "Bangka Belitung", "gubernur", "26 November",
            "unseen", (
                (1, "Pak Zulham", "Zulham-Erwin", "#ZulhamErwin", "Partai Suara Desa"),
                (3, "Bu Kartika", "Kartika-Hasan", "#KartikaHasan2031", "Partai Bahari"),
            )),
]

# ---------------------------------------------------------------------------------------
# Partisan templates, by NET-* category (annotation-guideline.md).
POSITIVE: dict[str, list[str]] = {
    "NET-KMS": [
        "Fix no debat, {cand} the best! Vote nomor {num} guys {sign}",
        "Wis mantep pilih {cand}, ora usah ragu maneh. Nomor {num}! {sign}",
        "Pemimpin sejati itu ya {cand}. Sing liyane mung omong thok 😏 {tag}",
        "Dari Sabang sampai Merauke, {num2} harga mati!! {tag}",
        "Tgl {date} jgn lupa ya, yg {sign} pokoke 😁",
        "Udah liat programnya {pair}? Ini baru namanya pemimpin, no {num} gaskeun",
        "{other} kebanyakan janji, {cand} sudah terbukti. Pilihan cerdas ya nomor {num}",
        "Vote for {pair}! Nomor {num}, for a better {region} 🙌",
        "Siap all in utk {cand}, {region} harus menang! {sign}{sign}",
        "Jujur sy kagum sama {cand}, insyaAllah {date} saya coblos beliau. Kalian jg ya 🙏",
        "Cuma {cand} yg berani lawan mafia tanah. {date} kita buktikan! {sign}",
        "Kita butuh {office} yg kerja nyata, bukan yg cuma janji kayak {other}. Nomor {num} lah",
        "Yg nomor {onum} cuma modal pencitraan, jgn mau dibohongi lagi. {tag}",
        "Kalian tau lah siapa yg harus dipilih {date} nanti 😉 {sign}{sign} {tag}",
        "{region} butuh perubahan!! Saatnya {cand} memimpin 🔥🔥",
        "Program {pair} jelas: sekolah gratis, berobat gratis. Pilihan saya sudah bulat, nomor {num}",
        "Asal bukan {other}! Siapa pun boleh asal jangan nomor {onum} 😤",
        "Bangga punya calon {office} seperti {cand}, santun dan merakyat. Menang! {sign}",
        "Ayo coblos nomor {num} di {contest}! {cand} pasti bawa perubahan {sign}",
        "{date} jangan lupa coblos {pair} ya gaes, nomor {num2} paling layak {sign}{sign}",
        "Yang masih ragu, lihat rekam jejaknya. Nomor {num} paling layak pimpin {region} 🔥",
        "{tag} {tag} satu putaran! Gaskeun {sign}",
        "Pilih {cand}, pilih masa depan {region} yang lebih baik. Nomor {num}!",
        "Visi misi {pair} paling masuk akal utk {region}, yg lain cuma janji. Coblos {num2}!",
        "Sudah mantap hati pilih {cand} jadi {office}. Kalian jg ya, jgn salah pilih 🙏 {tag}",
        "{num2} menang, {region} senang 😁 {sign}",
        "jgn pilih {other}, udh kebukti gagal. {cand} aja lah nomor {num}",
        "Kalau mau {region} maju ya cuma {pair}, yg lain lewat 😂 {tag}",
        "Bismillah, {date} nanti kita menangkan nomor {num}. {cand} for {office} {sign}",
        "Nonton debat semalam, jelas {cand} paling siap. Nomor {num} harga mati! 💪",
        "Pokoknya lanjutkan pak {cand}! {region} butuh pemimpin kayak bapak. {tag}",
        "Share jingle {pair} ini biar makin viral 🎶 {tag} coblos nomor {num}",
        "Kasihan {other}, debat aja gelagapan. Mending nomor {num} lah, jelas programnya",
        "Dari hati yang paling dalam, saya dukung {cand} nomor urut {num}. Semoga amanah 🤲",
        "Gas pol {num2}! Yg belum yakin, baca dulu programnya {cand} di link bio {sign}",
        "Ingat ya bapak ibu, {date} coblos yang nomor {num}, {pair} 👍",
        "{cand} itu satu2nya calon yg peduli guru honorer. Jangan sampai salah coblos, nomor {num}!",
        "{tag} pemimpin yang merakyat, bukan pencitraan kayak {other}",
        "nomor {num} ftw 🔥🔥 {pair} {office} {region} {sign}",
        "Saya sebagai warga {region} memilih {cand}. Anda? 😉 {tag}",
        "Mohon maaf kalau beda pilihan, tapi nomor {num} paling pas buat {region}. Salam {sign}",
    ],
    "NET-INT": [
        "Mampir ke akun @tim{num}{region} ya gaes, kontennya keren2 👍 {tag}",
        "Sudah saya share ke semua grup keluarga video kampanye {cand} ini 🙏 {tag}",
        "Gabung yuk di grup Telegram Pendukung {pair}, link ada di komentar",
        "Siap komandan! 💪 {tag} kami relawan {region} siap bergerak",
        "Retweet: 'Bersama {pair}, {region} hebat' — setuju 100%! 👏",
        "Ikut live IG tim kampanye {cand} malam ini, jangan lupa komen dukungannya ya",
        "Siap menangkan {pair}! 💪 barusan join grup Relawan {cand} {region}",
        "Follow akun resmi tim pemenangan {cand} ya, banyak info program nomor {num} {tag}",
        "Repost dari @relawan{num}{region}: '{pair} untuk {region} yang lebih baik' 👏👏",
        "Sudah gabung komunitas Sahabat {cand}? Link grup WA di bawah ya, ayo rapatkan barisan!",
        "Ikut share postingan tim kampanye {cand} ya guys, biar makin banyak yg tau {tag}",
        "Mantap postingan relawan nomor {num} ini, wajib di-like & share 👍 {tag}",
        "Baru subscribe channel kampanye {pair}, kontennya daging semua. Subscribe jg ya",
        "Admin grup Barisan Pendukung {cand} {region} buka pendaftaran anggota, yuk gabung!",
        "Komen 'SIAP MENANG' di postingan akun pemenangan {pair} di bawah ini 💪",
    ],
    "NET-FTO": [
        "Makan siang bareng {cand} di warung kopi, salam {sign} dari kami 😁",
        "Foto keluarga sama calon {office} kita {cand}, semua kompak pose {sign}",
        "Foto bareng calon {office} {cand} tadi siang {sign} semoga amanah",
        "Alhamdulillah bisa foto bersama {pair} {sign}{sign} sebagai bentuk dukungan",
        "Kenang-kenangan sama pak {cand} di acara tadi, salam {num} jari {sign}",
        "Selfie dulu sama {cand} 😍 {sign} {tag}",
        "Foto bersama tim {pair}, pakai kaos nomor {num} 😁 {sign}",
        "Bersama Bu/Pak {cand}, calon {office} kita. Salam {sign}",
    ],
    "NET-APK": [
        "Pesan kaos & topi nomor {num} bisa lewat saya ya, buat persiapan kampanye {tag}",
        "Foto profil baru pakai frame {tag} 😎 yuk ramaikan",
        "Sudah pasang twibbon {pair} belum? Link twibbon di bio ya {tag}",
        "Ganti foto profil pakai bingkai nomor {num} dulu 😎 {tag}",
        "Baliho {cand} di depan rumah sudah terpasang, makin semangat {sign}",
        "Pakai kaos {pair} ke pasar hari ini, banyak yg nanya 😂 {tag}",
        "Stiker nomor {num} sudah ditempel di motor, siap menang {sign}",
        "Yang mau kalender & stiker {cand} gratis, DM saya ya. Stok terbatas {tag}",
        "Bikin twibbon dukungan {pair}, silakan dipakai teman2 semua 🙏",
    ],
    "NET-HDR": [
        "Otw kampanye akbar {pair} di stadion, ketemu di sana ya! {sign}",
        "Ikut jalan sehat bareng paslon {num2} tadi pagi, seru dan penuh semangat kemenangan 💪",
        "Alhamdulillah hadir di deklarasi relawan {num2} {region}, insyaAllah menang! {sign}",
        "Hadir di kampanye akbar {pair} di lapangan {region}, luar biasa ramainya 🔥",
        "Check in di lokasi deklarasi dukungan {cand}. Merinding liat semangatnya {sign}",
        "Tadi ikut konvoi kampanye nomor {num}, ribuan orang tumpah ke jalan {tag}",
        "Malam ini hadir di rapat akbar {cand}, semoga {date} menang telak {sign}",
        "Seru banget ikut deklarasi relawan {pair} tadi pagi 💪 {tag}",
        "Hadir mendengarkan orasi {cand} di kampanye terbuka, makin mantap pilih nomor {num}",
    ],
    "NET-AJK": [
        "Para kepala desa mohon koordinasi, target suara {cand} di desa masing2 minimal 70%",
        "Bapak ibu pegawai yg belum ambil amplop dari paslon {num2} silakan ke ruang saya",
        "Bapak ibu kepala sekolah, mohon guru2 diarahkan ke nomor {num}, ini arahan pimpinan",
        "Grup staf: besok pagi kumpul di aula, ada sosialisasi program paslon {num2} 🙏",
        "Tolong bapak ibu pastikan keluarga di rumah pilih {cand} ya, nanti saya cek 😉",
        "Mohon arahkan keluarga dan tetangga pilih nomor {num} ya bapak ibu, demi {region}",
        "Rekan2 staf, tolong ajak warga binaan masing2 untuk dukung {cand}. Terima kasih",
        "Nanti sore kumpul di rumah saya, ada bingkisan dari paslon {num2} untuk warga 🙏",
        "Instruksi ke seluruh kepala seksi: pastikan keluarga kita solid di nomor {num}",
        "Bapak ibu RT, tolong data warga yg siap dukung {cand}, nanti diserahkan ke saya",
        "Sembako dari {pair} sudah dibagikan, jangan lupa balas budi di TPS ya 😉",
        "Mohon bantuan teman2 guru, sampaikan ke wali murid supaya pilih {cand}",
        "Pertemuan tokoh masyarakat malam ini bahas pemenangan {pair} di kecamatan kita",
    ],
    "NET-TIM": [
        "Rekrut relawan saksi untuk {pair}, honor lumayan, japri saya ya",
        "Malam ini konsolidasi tim pemenangan {cand} tingkat kecamatan di rumah saya",
        "Alhamdulillah dipercaya jadi koordinator relawan {cand} kecamatan, mohon doanya",
        "Rapat timses {pair} malam ini, semua korcam wajib hadir",
        "Sebagai bagian tim pemenangan nomor {num}, saya siap kawal suara di TPS",
        "Dicari saksi TPS untuk paslon {num2}, hubungi saya (koordinator tim {cand})",
        "Tim sukses {cand} wilayah {region} resmi dilantik hari ini 💪 {tag}",
        "Jadi konsultan strategi kampanye {pair}, doakan lancar 🙏",
    ],
    "NET-KTP": [
        "Kumpulkan fotokopi KTP untuk dukungan calon perseorangan {cand} ya, paling lambat Jumat",
        "Yang sudah kasih KTP dukungan untuk {cand} jalur independen, terima kasih banyak 🙏",
        "Butuh 500 KTP lagi buat syarat dukungan {cand} maju {office}, bantu kumpulkan ya",
        "Titip surat dukungan + fotokopi KTP keluarga utk calon independen {cand}",
    ],
    "NET-KEP": [
        "Akun resmi kecamatan: Terima kasih {cand} atas bantuannya, sukses di {contest} ya pak! {sign}",
        "Peresmian gedung sekolah ini sekaligus doa kemenangan {pair} di {contest}",
        "Program bedah rumah dinas kami tahun ini dipersembahkan oleh {cand}, calon {office} nomor {num}",
        "Akun resmi dinas: terima kasih {cand}, lanjutkan 2 periode! {tag}",
        "Bantuan bibit dari dinas ini berkat {pair}, jangan lupa {date} ya bapak ibu",
        "Mobil dinas kami siap antar warga ke kampanye {cand} besok pagi",
        "Spanduk program puskesmas pakai foto {cand} dan nomor {num}, biar warga ingat",
    ],
    "NET-PCL": [
        "Bismillah, saya mencalonkan diri di {contest}. Mohon dukungan seluruh keluarga besar ASN",
        "Mohon doa restu, insyaAllah saya maju sebagai bakal calon {office} {region} 🙏",
        "Setelah istikharah, saya siap maju di {contest}. Mohon dukungan keluarga besar",
        "Sowan ke tokoh adat minta restu untuk maju {office} {region} tahun depan",
        "Sudah daftar penjaringan bakal calon {office} di {party}, mohon doanya rekan2",
    ],
    "NET-PRT": [
        "Hadir di musyawarah cabang {party} sebagai pengurus, siap menangkan partai di {region}",
        "Resmi terima KTA {party} hari ini, siap berjuang untuk partai 💪",
        "Alhamdulillah dilantik jadi pengurus DPC {party} {region}",
        "Rapat pengurus ranting {party} malam ini, kader wajib hadir",
        "Bangga jadi kader {party}, partainya wong cilik 🔥",
    ],
    "NET-LNY": [
        "Yg pilih {other} itu pasti gak mikir. Pokoknya {num2} menang!",
        "Grup ini isinya pendukung {cand} semua kan? Kalau bukan silakan left 😂 {sign}",
        "Hasil survei internal kita {cand} unggul jauh, tinggal dijaga sampai {date} {sign}",
        "Doa bersama utk kemenangan {pair} di {contest}, aamiin 🤲",
    ],
}

# ---------------------------------------------------------------------------------------
# Hard negatives (not_partisan), by kind.
NEGATIVE: dict[str, list[str]] = {
    "reminder": [
        "Reminder: ASN dilarang pose {sign} waktu foto bareng calon mana pun, termasuk {cand}.",
        "Jelang {contest}, BKD imbau ASN tidak memberikan dukungan kepada calon mana pun di medsos.",
        "Kalau ada rekan ASN yg ikut kampanye {pair}, laporkan ke Bawaslu ya. Netralitas wajib.",
        "Kepada ASN, walau {cand} pernah jadi atasan kita, tetap dilarang ikut kampanye beliau.",
        "BKN: ASN yg like postingan paslon bisa kena sanksi. Hati2 rekan2 jelang {contest}.",
        "Surat edaran: ASN dilarang memasang twibbon, baliho atau atribut calon manapun.",
        "Tadi ada yg kirim twibbon {pair} ke grup kantor, mohon dihapus ya, kita ASN harus netral.",
        "Jangan tag akun ASN di foto kampanye {cand} ya, bisa jadi masalah netralitas.",
        "Webinar netralitas ASN jelang {contest} bersama Bawaslu {region}, link zoom menyusul.",
        "ASN dilarang jadi timses, relawan, atau ikut deklarasi. Sanksi tegas menanti.",
        "Rekan2, jangan ikut share konten paslon nomor berapa pun ya. Netral! 🙏",
        "Mengingatkan seluruh ASN Pemprov agar menjaga netralitas dalam {contest}.",
        "ASN wajib netral! Jangan like, share, atau komentar di postingan kampanye calon mana pun.",
        "Hari ini apel ikrar netralitas ASN jelang {contest} di halaman kantor bupati.",
        "Sanksi bagi ASN yang tidak netral bisa sampai pemberhentian. Mari jaga netralitas 🙏",
        "Dilarang foto dengan gaya jari {sign} bersama calon, ASN harus netral ya rekan2",
        "Sosialisasi SKB netralitas ASN utk seluruh OPD, Senin pukul 08.00 di aula.",
        "Ingat, ASN boleh memilih tapi tidak boleh berkampanye. Netral itu wajib.",
        "Bawaslu {region} mengimbau ASN tidak hadir di kampanye paslon manapun.",
        "Pakta integritas netralitas ASN sudah ditandatangani seluruh kepala dinas 👍",
        "Ada laporan ASN pasang twibbon calon? Laporkan ke Bawaslu, jaga netralitas birokrasi.",
        "Pose salam {num} jari saat foto dinas bisa disalahartikan, pakai tangan di dada saja",
        "Netralitas ASN harga mati. Siapa pun calonnya, pelayanan publik tetap nomor satu.",
    ],
    "news": [
        "Update: KPU {region} mulai distribusi surat suara {contest} ke kecamatan.",
        "Berita hari ini: {cand} dan {other} saling sindir di debat soal infrastruktur.",
        "Menurut hasil hitung cepat, {pair} unggul sementara. Hasil resmi tunggu KPU.",
        "Bawaslu {region} terima 12 laporan dugaan politik uang selama masa kampanye {contest}.",
        "{pair} menyampaikan visi misi di debat, fokus ke pendidikan dan kesehatan.",
        "Jadwal kampanye terbuka {contest}: paslon nomor {num} hari Senin, nomor {onum} Selasa.",
        "{pair} resmi mendaftar ke KPU {region} hari ini, berkas dinyatakan lengkap.",
        "Tiga paslon {contest} ikuti debat perdana, {cand} dapat giliran pertama.",
        "Bawaslu {region} panggil tim kampanye {cand} terkait dugaan pelanggaran APK.",
        "Hasil rekapitulasi KPU: {cand} unggul di 5 kecamatan, {other} di 3 kecamatan.",
        "Pengundian nomor urut paslon {contest} digelar besok pukul 09.00 di kantor KPU.",
        "{cand} kunjungi pasar di {region} dalam rangkaian kampanye, diliput media lokal.",
        "Semua paslon {contest} wajib melaporkan dana kampanye paling lambat pekan depan.",
        "Debat ketiga {contest} bertema lingkungan, disiarkan langsung pukul 19.00.",
        "Penghitungan suara di TPS {num} selesai pukul 16.00, saksi semua paslon tanda tangan.",
        "KPU umumkan DPT {region}: 3,2 juta pemilih untuk {contest}.",
        "Paslon nomor {num} dan {onum} sepakat kampanye damai, deklarasi dipimpin KPU.",
        "Kapolda: pengamanan {contest} libatkan 5.000 personel gabungan.",
        "Menurut BKN, ASN boleh hadir saat {cand} kunjungan kerja resmi selama tidak berkampanye.",
        "Tim hukum {pair} ajukan gugatan ke MK, sidang perdana minggu depan.",
        "Jadwal debat kedua calon {office} {region} malam ini pukul 19.00 WIB di TVRI.",
        "KPU {region} tetapkan {pair} sebagai pasangan calon nomor urut {num}.",
        "Hasil pengundian nomor urut {contest}: {pair} dapat nomor {num}.",
        "Rekapitulasi suara {contest} di kecamatan kami selesai hari ini, berjalan aman.",
        "Debat publik {contest} akan membahas ekonomi dan pelayanan publik, info dari KPU.",
        "{cand} mendaftar ke KPU {region} didampingi pendukungnya, menurut berita pagi ini.",
        "KPU: masa tenang {contest} dimulai besok, semua alat peraga kampanye wajib diturunkan.",
        "Quick count {contest} sementara: selisih tipis, tunggu hasil resmi KPU ya.",
        "Berita: Bawaslu temukan 120 APK {pair} melanggar aturan pemasangan di {region}.",
        "Logistik pemilu untuk {contest} sudah tiba di gudang KPU {region}.",
        "Survei terbaru {contest}: {cand} dan {other} bersaing ketat, kata lembaga survei.",
        "{cand} dan {other} sama-sama hadir di acara penetapan nomor urut kemarin.",
        "Pelantikan {cand} sebagai {office} terpilih dijadwalkan bulan depan, info dari KPU.",
        "MK tolak gugatan hasil {contest}, penetapan calon terpilih jalan terus.",
        "Nonton debat {contest} semalam, moderatornya tegas ya. Besok tema kesehatan.",
    ],
    "civic": [
        "Pilihan boleh beda, silaturahmi jangan putus. Tetap rukun sampai {date} dan sesudahnya 🤝",
        "Dulur2, ojo golput yo, teko neng TPS {date}. Pilih sing sesuai ati 🙏",
        "Don't forget to vote on {date}! Cek lokasi TPS kamu di website KPU ya",
        "Masa tenang {contest} mulai besok, mari jaga suasana sejuk.",
        "Siapapun yg menang di {contest}, semoga amanah. Yg penting kita datang ke TPS {date}.",
        "Jadilah pemilih cerdas, bandingkan program semua paslon sebelum menentukan pilihan.",
        "Ajak keluarga ke TPS ya, jangan sampai suara kita hilang. Pilih sesuai hati nurani.",
        "Ayo daftar jadi petugas KPPS untuk {contest}, pendaftaran di kantor kelurahan.",
        "Ayo ke TPS {date}! Coblos pilihanmu, jangan golput ya gaes ☝️",
        "Jangan lupa {date} datang ke TPS, suaramu menentukan masa depan daerah.",
        "Ayo ke TPS! Jangan golput, satu suara sangat berarti untuk {region} 🙏",
        "Tolak politik uang! Pilih sesuai hati nurani di {contest}.",
        "Cek DPT kamu di situs KPU ya, pastikan terdaftar sebelum {date}.",
        "Pemilih pemula, jangan bingung: bawa KTP-el dan undangan ke TPS {date} ✌️",
        "Siapapun pilihanmu, tetap jaga persatuan. Beda pilihan bukan berarti musuh 🤝",
        "Gunakan hak pilih dengan bijak, kenali visi misi semua calon sebelum {date}.",
        "Petugas KPPS di TPS 05 siap melayani, buka pukul 07.00 sampai 13.00.",
        "Pilkada damai, tanpa hoaks dan ujaran kebencian. Yuk jaga {region} tetap kondusif.",
    ],
    "service": [
        "Bersama warga membersihkan saluran air di {region}, gotong royong tetap jalan 💪",
        "Pelatihan digital marketing untuk UMKM {region} dibuka, kuota 50 orang, gratis.",
        "Dinas kesehatan {region} gelar operasi katarak gratis minggu depan.",
        "Apel pagi bersama seluruh pegawai, pimpinan menekankan disiplin dan pelayanan prima ☝️",
        "Kantor kami raih predikat WBK tahun ini, terima kasih seluruh pegawai 👏👍",
        "Pelayanan KTP-el di Disdukcapil {region} tetap buka hari Sabtu minggu ini.",
        "Posyandu balita di kelurahan kami tanggal 2, bawa buku KIA ya bunda 👶",
        "Alhamdulillah jalan desa sepanjang 3 km sudah selesai diaspal, terima kasih semua pihak",
        "Vaksinasi gratis untuk lansia di puskesmas, mulai pukul 08.00 WIB.",
        "Pendaftaran beasiswa daerah dibuka sampai akhir bulan, cek syaratnya di website dinas.",
        "Upacara HUT Korpri di halaman kantor gubernur berjalan khidmat 🇮🇩",
        "Layanan SIM keliling hari ini di depan kantor camat, nomor antrean {num} sudah dipanggil",
        "Rapat koordinasi penanganan banjir di {region} bersama BPBD dan relawan tagana.",
        "Selamat kepada 2 sekolah di {region} yang meraih adiwiyata tahun ini 👏",
        "Kunjungan kerja {office} ke pasar tradisional untuk cek harga bahan pokok.",
        "Gubernur meresmikan jembatan baru di {region}, warga kini lebih mudah ke kota.",
        "Pembagian bibit gratis untuk petani dari dinas pertanian, daftar lewat penyuluh desa.",
    ],
    "policy": [
        "Anggaran perjalanan dinas dipangkas, semoga dialihkan ke pelayanan dasar.",
        "Pemerintah daerah harus lebih cepat tangani stunting, datanya masih tinggi.",
        "Setuju kalau honorer diangkat PPPK, tapi prosesnya harus transparan.",
        "Kenaikan harga beras bikin pusing, semoga pemerintah segera operasi pasar.",
        "Menurut saya program makan bergizi perlu evaluasi anggaran yang lebih transparan.",
        "Jalan provinsi rusak parah lagi, mohon perhatian dinas PU 🙏",
        "Kebijakan zonasi sekolah masih banyak masalah di lapangan, perlu dibenahi.",
        "Tunjangan guru honorer belum cair 3 bulan, kasihan rekan2 di pedalaman.",
        "Harga BBM naik lagi? Semoga subsidi tepat sasaran.",
        "Reformasi birokrasi jangan cuma slogan, pelayanan harus benar2 cepat.",
    ],
    "chatter": [
        "Menang lagi! ✌️ tim badminton kantor juara antar OPD",
        "Nomor {num} kamar hotel kita di lantai 3 ya, ketemu di lobi jam 7",
        "Yuk coblos... eh maksudnya coba bakso baru di depan kantor 😂",
        "Dua jempol 👍👍 buat panitia halal bihalal kemarin",
        "Pilih warna seragam baru kantor: biru atau hijau? Vote di grup ya",
        "Selamat atas kelahiran putri pertamanya pak, semoga jadi anak sholehah 🤲",
        "😂😂😂",
        "mantap 👍👍",
        "siap 👌",
        "aamiin 🤲🤲",
        "Selamat ulang tahun pak, semoga sehat selalu 🎂🎉",
        "Foto bersama peserta pelatihan UMKM, salam jempol 👍 sukses selalu",
        "Kegiatan donor darah hari ini diikuti 120 pegawai 👌 terima kasih semua",
        "Nomor {num2} di daftar tunggu haji, alhamdulillah tahun ini berangkat 🤲",
        "Wkwkwk grup sebelah rame banget bahas bola 😂",
        "Gas terus tim badminton kantor, menang 2 set langsung ✌️🏸",
        "Siap menang lomba masak antar dharma wanita besok! 💪",
        "Reuni SMA angkatan 2005 di {region}, yang mau ikut daftar ke saya ya",
        "Selamat pagi rekan2, semangat Senin! ☕",
        "Alhamdulillah anak kedua lulus SD hari ini 🎉 terima kasih bu guru",
        "Macet parah di jalan Ahmad Yani sore ini, hati2 ya",
        "Selamat hari raya Idul Fitri, mohon maaf lahir dan batin 🙏",
        "Selamat Natal bagi yang merayakan, damai selalu 🎄",
        "Akhirnya nyobain kopi di warung baru dekat kantor, enak banget 👍👌",
        "Nomor {num} antrean di bank lama banget, udah 2 jam nunggu 😩",
        "Juara {num} lomba 17an kantor kita! ✌️ selamat tim voli",
        "Cuaca panas banget hari ini, jangan lupa minum air putih ya",
        "Anak saya dapat ranking {num} di kelas ☝️ bangga banget",
        "Peace ✌️ bro, jangan baper cuma candaan grup",
        "Tinggal satu ☝️ lagi pekerjaan minggu ini, habis itu libur",
        "Mantap 👍 acara pernikahan sepupu lancar jaya",
        "Oke 👌 nanti saya kirim laporannya sebelum jam 4",
        "Siapa yang mau titip gorengan? ☝️ angkat tangan",
        "Tim futsal OPD kita menang 3-1 🤟 mantap",
        "Lagi cari rekomendasi servis laptop di {region}, ada yang tahu?",
        "Bismillah, semoga hari ini lancar semua urusan 🤲",
        "Pilih mana: bakso atau mie ayam? 😂 makan siang bingung",
        "Nonton timnas semalam, gol kedua keren banget ✌️⚽",
    ],
    "congrats": [
        "Selamat kepada {cand} yang telah ditetapkan KPU sebagai {office} terpilih, semoga amanah.",
        "Pemilu sudah usai, mari bersatu kembali membangun {region} bersama siapa pun pemimpinnya.",
        "Selamat bertugas {office} {region} yang baru dilantik, semoga membawa kebaikan.",
    ],
}


def _fill(template: str, contest: Contest, cand_idx: int) -> str:
    num, cand, pair, tag, party = contest.cands[cand_idx]
    other = contest.cands[(cand_idx + 1) % len(contest.cands)]
    return template.format(
        cand=cand, pair=pair, num=num, num2=f"0{num}", tag=tag, sign=SIGN.get(num, ""),
        contest=contest.contest, region=contest.region, party=party, office=contest.office,
        other=other[1], onum=other[0], date=contest.date,
    )


def _split_of(template: str) -> str:
    h = int(hashlib.sha1(template.encode()).hexdigest(), 16) % 100
    return "train" if h < 68 else ("dev" if h < 80 else "test")


def _noise(text: str, rng: random.Random) -> str:
    """Light social-media noise: slang spellings, case, letter stretching."""
    swaps = [("yang", "yg"), ("tidak", "gak"), ("sudah", "udah"), ("dengan", "dgn"),
             ("jangan", "jgn"), ("untuk", "utk"), ("teman", "temen"), ("banget", "bgt")]
    for a, b in swaps:
        if a in text and rng.random() < 0.5:
            text = text.replace(a, b)
    r = rng.random()
    if r < 0.15:
        text = text.lower()
    elif r < 0.2:
        text = text.upper()
    return text


def build(seed: int = 13, fills_per_template: int = 5) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    items: list[tuple[str, str, str, str]] = []
    for cat, temps in POSITIVE.items():
        items += [("partisan", cat, "positive", t) for t in temps]
    for kind, temps in NEGATIVE.items():
        items += [("not_partisan", "", kind, t) for t in temps]
    train_contests = [c for c in CONTESTS if c.group != "unseen"]
    unseen = [c for c in CONTESTS if c.group == "unseen"]
    for t_idx, (label, cat, kind, template) in enumerate(items):
        split = _split_of(template)
        n_fill = fills_per_template + (3 if label == "not_partisan" else 0)
        plans: list[tuple[Contest, str]] = [
            (rng.choice(train_contests), split) for _ in range(n_fill)
        ]
        if split == "test":
            plans += [(rng.choice(unseen), "test_unseen") for _ in range(3)]
        for contest, row_split in plans:
            idx = rng.randrange(len(contest.cands))
            text = _fill(template, contest, idx)
            if rng.random() < 0.5:
                text = _noise(text, rng)
            key = text.lower()
            if key in seen:
                continue
            seen.add(key)
            rows.append({
                "id": f"own-{t_idx:03d}-{len(rows):05d}", "text": text, "label": label,
                "category": cat, "kind": kind, "contest": contest.key,
                "contest_group": contest.group, "template": str(t_idx), "split": row_split,
            })
    return rows


def write(path: Path) -> int:
    rows = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    print(write(Path(__file__).resolve().parent.parent / "data" / "training" / "own_posts.csv"))

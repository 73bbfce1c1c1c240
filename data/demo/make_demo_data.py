"""Renders the demo's sample data (fictional civil servants; Pilkada Kalimantan Barat 2024 context).

Run from this folder: ``python make_demo_data.py``. The outputs are committed; this script is
kept so the data can be changed and re-rendered rather than hand-edited.
"""
# ruff: noqa: E501
from __future__ import annotations

import html
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CH, TITLE = "kabar_budi_ptk", "Kabar Budi Pontianak"


def _msg(pid: int, body: str, dt: str, views: str = "1.2K", service: bool = False, forwarded: str | None = None) -> str:
    cls = "tgme_widget_message text_not_supported_wrap" + (" service_message" if service else "") + " js-widget_message"
    fwd = (f'<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from&nbsp;<a class="tgme_widget_message_forwarded_from_name" '
           f'href="https://t.me/{forwarded}"><span dir="auto">{html.escape(forwarded)}</span></a></div>') if forwarded else ""
    v = f'<span class="tgme_widget_message_views">{views}</span><span class="copyonly"> views</span>' if not service else ""
    return (f'<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="{cls}" data-post="{CH}/{pid}" data-view="x">'
            f'<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" '
            f'href="https://t.me/{CH}"><span dir="auto">{TITLE}</span></a></div>{fwd}'
            f'<div class="tgme_widget_message_text js-message_text" dir="auto">{body}</div>'
            f'<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info">{v}'
            f'<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/{CH}/{pid}">'
            f'<time datetime="{dt}" class="time">00:00</time></a></span></div></div></div></div></div>\n')


def _page(msgs: list[str], before: int | None) -> str:
    prev = f'<link rel="prev" href="/s/{CH}?before={before}">\n' if before else ""
    return ('<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>' + TITLE + ' – Telegram</title>\n' + prev
            + '</head>\n<body class="widget_frame_base tgme_webpreview_body">\n<main class="tgme_main"><div class="tgme_container">'
            + '<section class="tgme_channel_history js-message_history">\n' + "".join(msgs) + '</section></div></main>\n</body>\n</html>\n')


older = [
    _msg(101, "Selamat pagi Pontianak! Mal Pelayanan Publik buka hari Sabtu pukul 08.00–12.00 WIB untuk layanan KTP-el dan perizinan.", "2024-11-04T01:00:00+00:00", "2.1K"),
    _msg(102, "Peluncuran aplikasi pengaduan warga <b>Lapor Diskominfo</b> hari ini. Silakan unduh dan sampaikan keluhan layanan publik Anda.", "2024-11-05T03:30:00+00:00", "3.4K"),
    _msg(103, "Mengingatkan rekan-rekan ASN: dilarang memberi dukungan kepada calon kepala daerah, termasuk like dan share konten kampanye. Mari jaga netralitas! #ASNNetral", "2024-11-06T02:00:00+00:00", "5K"),
    _msg(104, "Alhamdulillah tadi malam hadir di deklarasi relawan Norsan–Krisantus di Sungai Raya. Luar biasa semangatnya, insyaAllah menang satu putaran! ✌️", "2024-11-07T14:10:00+00:00", "8.7K"),
    _msg(105, f'<a href="https://t.me/{CH}">{TITLE}</a> memperbarui foto kanal', "2024-11-07T15:00:00+00:00", service=True),
]
newer = [
    _msg(106, "Jadwal debat kedua calon gubernur Kalbar malam ini pukul 19.00 WIB di TVRI Kalbar. Simak visi misi semua paslon sebelum memilih.", "2024-11-15T05:00:00+00:00", "4.4K"),
    _msg(107, "Masih ragu? Lihat programnya. Cuma paslon nomor 2 yang siap lanjutkan pembangunan Kalbar 🔥 Coblos no 2 tgl 27 November!<br/>#KalbarMaju", "2024-11-18T12:20:00+00:00", "12.9K"),
    _msg(108, "Ayo bergabung dengan Relawan Sahabat Norsan! Daftar lewat tautan di kanal ini, kita kawal kemenangan bersama 💪", "2024-11-19T09:00:00+00:00", "6.1K", forwarded="relawan_sahabat_norsan"),
    _msg(109, "Cuaca Pontianak hari ini cerah berawan, suhu 33°C. Jangan lupa minum air putih ya 😊", "2024-11-20T00:30:00+00:00", "900"),
    _msg(110, "Jangan lupa 27 November datang ke TPS dan gunakan hak pilih Anda. Jangan golput, tolak politik uang!", "2024-11-25T01:00:00+00:00", "7.3K"),
]
(HERE / "telegram_web" / f"{CH}.html").write_text(_page(newer, 106), encoding="utf-8")
(HERE / "telegram_web" / f"{CH}_before_106.html").write_text(_page(older, None), encoding="utf-8")

WA = """12/11/24 07.30 - Pesan dan panggilan terenkripsi secara end-to-end. Tidak seorang pun di luar chat ini, termasuk WhatsApp, yang dapat membaca atau mendengarkannya.
12/11/24 07.31 - Yohanes Sekdis PUPR membuat grup "Koordinasi ASN Kubu Raya"
12/11/24 07.35 - +62 812-0000-1005: Selamat pagi rekan-rekan, rapat koordinasi pembangunan jalan desa hari Kamis jam 09.00 di aula PUPR.
12/11/24 07.40 - Ahmad Fauzi Disdukcapil: Siap pak, pelayanan KTP-el keliling minggu ini di Kecamatan Sungai Raya.
12/11/24 07.41 - Pak Hendra RT 05: Mantap pak 👍
12/11/24 19.02 - Ahmad Fauzi Disdukcapil: Bapak ibu, tgl 27 nanti jgn lupa coblos no 2 ya, Ria Norsan - Krisantus sudah terbukti kerjanya ✌️
ajak keluarga semua
12/11/24 19.05 - +62 813-5555-0101: Hati2 pak, ASN harus netral lho
12/11/24 19.06 - Pak Hendra RT 05: <Media tidak disertakan>
13/11/24 08.00 - Dewi Lestari: Mengingatkan bapak ibu, sesuai SE Bupati ASN wajib menjaga netralitas selama Pilkada 2024. Jangan like/share konten kampanye ya 🙏
13/11/24 08.15 - +62 812-0000-1005: Betul bu Dewi. Sanksinya jelas di PP 94/2021.
14/11/24 20.11 - Rudi Hartono: Malam ini kumpul relawan paslon 1 di rumah pak kades, yg mau ikut japri saya. Kita menangkan Midji-Didi!
14/11/24 20.15 - +62 813-5555-0101: Pesan ini telah dihapus
15/11/24 10.00 - Dewi Lestari: Jadwal debat kedua calon gubernur Kalbar malam ini pukul 19.00 WIB di TVRI.
16/11/24 06.45 - +62 812-0000-1005: IMG-20241116-WA0003.jpg (file terlampir)
Gotong royong bersih parit di Kelurahan Sungai Raya Dalam pagi ini 🙏
16/11/24 06.50 - Pak Hendra RT 05: Terima kasih pak sekdis
"""
(HERE / "whatsapp" / "Chat WhatsApp dengan Koordinasi ASN Kubu Raya.txt").write_text(WA, encoding="utf-8")


def _tg(mid: int, when: str, unix: int, sender: str, uid: str, text: object) -> dict:
    ents = [{"type": "plain", "text": text}] if isinstance(text, str) else text
    return {"id": mid, "type": "message", "date": when, "date_unixtime": str(unix), "from": sender, "from_id": uid,
            "text": text, "text_entities": ents}


TG = {
    "name": "Forum Pegawai Bappeda Kalbar (contoh)", "type": "private_supergroup", "id": 1880001234,
    "messages": [
        {"id": 500, "type": "service", "date": "2024-11-10T08:00:00", "date_unixtime": "1731200400", "actor": "Siti Rahmawati",
         "actor_id": "user5550002", "action": "invite_members", "members": ["Andi Pratama"], "text": "", "text_entities": []},
        _tg(501, "2024-11-10T15:00:00", 1731225600, "Siti Rahmawati", "user5550002", "Rekan-rekan, sore ini rapat penyusunan RKPD 2025 di ruang rapat lantai 2."),
        _tg(502, "2024-11-11T20:15:00", 1731330900, "Siti Rahmawati", "user5550002",
            ["Yang belum pasang twibbon Muda–Jakius silakan pakai tautan ini ya, kita menangkan nomor 3! 🤟 ",
             {"type": "hashtag", "text": "#KalbarBaru"}]),
        _tg(503, "2024-11-11T20:20:00", 1731331200, "Andi Pratama", "user5550009", "Bu, itu kan kampanye, hati-hati dilihat Bawaslu."),
        _tg(504, "2024-11-12T09:00:00", 1731376800, "Budi Santoso", "user5550001", "Laporan realisasi anggaran triwulan III sudah saya kirim lewat email ya bu."),
        _tg(505, "2024-11-25T07:00:00", 1732492800, "Siti Rahmawati", "user5550002", "Selamat Hari Guru Nasional untuk semua guru di Kalimantan Barat 🙏"),
        {"id": 506, "type": "message", "date": "2024-11-25T07:05:00", "date_unixtime": "1732493100", "from": None,
         "from_id": "user5550077", "text": "Terima kasih infonya", "text_entities": [{"type": "plain", "text": "Terima kasih infonya"}]},
    ],
}
(HERE / "telegram" / "result.json").write_text(json.dumps(TG, ensure_ascii=False, indent=1), encoding="utf-8")

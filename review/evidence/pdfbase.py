"""fpdf2 base for every PDF that leaves the office: DejaVu fonts (shipped with their licence
in ``fonts/``), fixed creation date and document ID (same input → same bytes), a header band
and footer with page numbers.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"

NAVY = (22, 50, 92)
GREY = (90, 90, 90)
LIGHT = (236, 240, 246)
WARN = (176, 46, 12)


class OfficePDF(FPDF):
    """A4 portrait document with the office header; deterministic output."""

    def __init__(self, *, title: str, office: str, as_of: datetime, doc_key: str,
                 subtitle: str | None = None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = title
        self.office = office
        self.subtitle = subtitle
        self._doc_key = doc_key
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(FONTS / "DejaVuSans-Oblique.ttf"))
        self.set_creation_date(as_of.astimezone(UTC))
        self.set_title(title)
        self.set_author(office)
        self.set_creator("pantau")
        self.set_producer("pantau (fpdf2)")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.alias_nb_pages()

    def file_id(self) -> str:  # fpdf2 hook: fixed ID derived from the document key
        digest = hashlib.md5(self._doc_key.encode("utf-8"), usedforsecurity=False).hexdigest()
        return f"<{digest}><{digest}>"

    def header(self) -> None:
        self.set_fill_color(*NAVY)
        self.rect(0, 0, self.w, 14, style="F")
        self.set_xy(18, 3.5)
        self.set_text_color(255, 255, 255)
        self.set_font(FONT, "B", 9)
        self.cell(self.w - 36, 4, self.office, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 8)
        self.set_x(18)
        self.cell(self.w - 36, 4, self.doc_title)
        self.set_text_color(0, 0, 0)
        self.set_y(20)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7)
        self.set_text_color(*GREY)
        self.cell(0, 4, f"{self.doc_title} — halaman {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)

    # -- building blocks -------------------------------------------------------------------
    def h1(self, text: str) -> None:
        self.set_font(FONT, "B", 15)
        self.set_text_color(*NAVY)
        self.multi_cell(0, 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        if self.subtitle:
            self.set_font(FONT, "", 9)
            self.set_text_color(*GREY)
            self.multi_cell(0, 5, self.subtitle, new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
        self.ln(2)

    def section(self, text: str) -> None:
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(2)
        self.set_fill_color(*LIGHT)
        self.set_font(FONT, "B", 10.5)
        self.set_text_color(*NAVY)
        self.cell(0, 7, " " + text, fill=True, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(1.5)

    def fields(self, rows: list[tuple[str, Any]], label_w: float = 52) -> None:
        for label, value in rows:
            text = "-" if value in (None, "") else str(value)
            self.set_font(FONT, "", 9)
            self.set_text_color(*GREY)
            y = self.get_y()
            if y > self.h - 25:
                self.add_page()
                y = self.get_y()
            self.set_xy(self.l_margin, y)
            self.multi_cell(label_w, 5, label, new_x="RIGHT", new_y="TOP")
            self.set_text_color(0, 0, 0)
            self.set_xy(self.l_margin + label_w, y)
            self.multi_cell(self.w - self.r_margin - self.l_margin - label_w, 5, text,
                            align="L", new_x="LMARGIN", new_y="NEXT")
            self.set_y(max(self.get_y(), y + 5) + 0.8)

    def para(self, text: str, size: float = 9, style: str = "") -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(0, 4.8, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def boxed(self, text: str, *, color: tuple[int, int, int] = NAVY, size: float = 9.5) -> None:
        self.set_draw_color(*color)
        self.set_line_width(0.4)
        self.set_font(FONT, "", size)
        self.multi_cell(0, 5.2, text, border=1, padding=2.5, align="L", new_x="LMARGIN",
                        new_y="NEXT")
        self.set_draw_color(0, 0, 0)
        self.set_line_width(0.2)
        self.ln(1.5)

    def table(self, header: list[str], rows: list[list[str]], widths: list[float],
              size: float = 8) -> None:
        self.set_font(FONT, "", size)
        self.set_fill_color(255, 255, 255)
        style = FontFace(family=FONT, emphasis="BOLD", color=NAVY, fill_color=LIGHT)
        with super().table(col_widths=widths, width=sum(widths), text_align="LEFT",
                           line_height=4.6, first_row_as_headings=True,
                           borders_layout="HORIZONTAL_LINES", headings_style=style,
                           align="LEFT") as t:
            r = t.row()
            for h in header:
                r.cell(h)
            for row in rows:
                r = t.row()
                for cell in row:
                    r.cell(cell)
        self.ln(2)

    def bar_chart(self, title: str, data: list[tuple[str, float]], *, width: float | None = None,
                  bar_h: float = 5.5, color: tuple[int, int, int] = NAVY) -> None:
        """Horizontal bar chart drawn with fpdf2 primitives."""
        width = width or (self.w - self.l_margin - self.r_margin)
        needed = 8 + len(data) * (bar_h + 1.5) + 4
        if self.get_y() + needed > self.h - 18:
            self.add_page()
        self.set_font(FONT, "B", 9)
        self.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        if not data:
            self.para("(tidak ada data)")
            return
        label_w = 55.0
        count_w = 12.0
        bar_max = width - label_w - count_w
        top = max(v for _, v in data) or 1
        x0 = self.l_margin
        for label, value in data:
            y = self.get_y()
            self.set_font(FONT, "", 8)
            self.set_xy(x0, y)
            self.cell(label_w - 2, bar_h, _clip(self, label, label_w - 3), align="R")
            self.set_fill_color(*color)
            w = bar_max * (value / top)
            if w > 0:
                self.rect(x0 + label_w, y + 0.6, w, bar_h - 1.2, style="F")
            self.set_xy(x0 + label_w + w + 1, y)
            self.cell(count_w, bar_h, f"{value:g}")
            self.set_y(y + bar_h + 1.5)
        self.set_draw_color(*GREY)
        self.line(x0 + label_w, self.get_y() - len(data) * (bar_h + 1.5) - 0.5, x0 + label_w,
                  self.get_y() - 1)
        self.set_draw_color(0, 0, 0)
        self.ln(3)


def _clip(pdf: FPDF, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"

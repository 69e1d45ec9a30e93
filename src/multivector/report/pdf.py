"""The report as an A4 PDF (fpdf2), from the same content tree as the HTML report.

Charts are the same Vega-Lite specifications, rendered to PNG by vl-convert at twice their
pixel size and placed at their natural size (one CSS pixel = 0.2646 mm, at most the text
width), so every chart's lettering has the same size on paper. Text is set in Liberation Sans
(SIL Open Font License 1.1, shipped in ``report/fonts`` with its licence), embedded as a subset:
it covers every name in the data ("Türkiye", "Côte d'Ivoire", "Curaçao", "Åland Islands").
Every page carries its number; each section is a bookmark and starts a new page unless the
rest of the page has room for it.
"""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from multivector.core.atomic import atomic_write
from multivector.report import tree
from multivector.report.images import FONT_DIR, SCALE, chart_png, png_size, register_fonts

FONT = "LiberationSans"
PX_MM = 25.4 / 96  # one CSS pixel on paper
MARGIN = 15.0
INK = (29, 39, 51)
MUTED = (91, 102, 115)
ACCENT = (20, 33, 61)
WARN = (138, 90, 0)
LINE = (220, 224, 230)
VERDICT_COLOURS = {"supported": ((216, 240, 222), (30, 107, 52)),
                   "contradicted": ((248, 215, 218), (138, 28, 36)),
                   "unverifiable": ((233, 236, 239), (73, 80, 87))}


def chart_pngs(figures: list[tree.Figure]) -> dict[str, bytes]:
    """The PNG of every figure that has a chart, by key, rendered on a few threads."""
    register_fonts()
    todo = [f for f in figures if f.chart is not None]
    specs = [f.spec() for f in todo]
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        pngs = list(pool.map(chart_png, specs))
    return {f.key: png for f, png in zip(todo, pngs, strict=True)}


class _PDF(FPDF):
    """A4 pages with a running head and a numbered footer."""

    def __init__(self, report: tree.Report) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report = report
        self.pngs = chart_pngs(report.figures())
        self.set_margins(MARGIN, MARGIN + 3, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 2)
        self.add_font(FONT, "", str(FONT_DIR / "LiberationSans-Regular.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "LiberationSans-Bold.ttf"))
        self.set_title(report.title)
        self.set_author("multivector")
        self.set_creator(f"multivector {report.version}")
        self.set_subject(f"Foreign-policy balance of {report.name}")
        self.set_lang("en")

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        self.set_y(8)
        self.cell(0, 4, f"multivector · {self.report.name} ({self.report.iso3})",
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*LINE)
        self.line(MARGIN, 12.5, self.w - MARGIN, 12.5)
        self.set_y(MARGIN + 3)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 4, f"generated {self.report.generated} · multivector {self.report.version}",
                  align="L")
        self.set_x(MARGIN)
        self.cell(0, 4, f"page {self.page_no()} of {{nb}}", align="R")

    @property
    def text_width(self) -> float:
        return self.w - self.l_margin - self.r_margin


def _text(pdf: _PDF, text: str, size: float = 9.5, colour: tuple = INK, bold: bool = False,
          gap: float = 1.8, line: float | None = None) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, line or size * 0.47, text, align="L", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    pdf.ln(gap)


def _heading(pdf: _PDF, text: str, size: float = 11.5) -> None:
    if pdf.get_y() + 35 > pdf.page_break_trigger:  # keep a heading with what follows
        pdf.add_page()
    pdf.ln(1.5)
    _text(pdf, text, size, ACCENT, bold=True, gap=1.2)


def _figure_size(pdf: _PDF, png: bytes) -> tuple[float, float]:
    """Width and height on the page (mm): natural size, at most the text width."""
    w_px, h_px = png_size(png)
    w = min(pdf.text_width, w_px / SCALE * PX_MM)
    return w, w * h_px / w_px


def _figure(pdf: _PDF, fig: tree.Figure) -> None:
    png = pdf.pngs.get(fig.key)
    if png is None:
        _empty(pdf, fig.empty)
        return
    w, h = _figure_size(pdf, png)
    pdf.set_font(FONT, "", 7.5)
    cap_lines = len(pdf.multi_cell(w, 3.3, fig.caption, dry_run=True, output="LINES"))
    if pdf.get_y() + h + 3.5 * cap_lines + 2 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.image(io.BytesIO(png), x=pdf.l_margin, w=w, h=h, alt_text=fig.caption)
    pdf.ln(0.5)
    _text(pdf, fig.caption, 7.5, MUTED, gap=3.5, line=3.3)


def _empty(pdf: _PDF, text: str) -> None:
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.set_draw_color(190, 196, 204)
    pdf.set_fill_color(246, 247, 249)
    pdf.multi_cell(0, 5, text, border=1, fill=True, padding=(2, 3, 2, 3),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _table(pdf: _PDF, t: tree.Table) -> None:
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*LINE)
    widths = t.widths or [1.0] * len(t.header)
    heading = FontFace(emphasis="BOLD", color=MUTED, fill_color=(246, 247, 249))
    with pdf.table(col_widths=widths, width=pdf.text_width, line_height=3.9,
                   borders_layout="HORIZONTAL_LINES", headings_style=heading,
                   padding=(1.0, 1.2, 1.0, 1.2), text_align="LEFT", v_align="TOP") as table:
        row = table.row()
        for i, h in enumerate(t.header):
            row.cell(h, align="RIGHT" if t.numeric[i] else "LEFT")
        for n, values in enumerate(t.rows):
            row = table.row()
            bold = FontFace(emphasis="BOLD", fill_color=(253, 241, 243)) if n in t.highlight \
                else None
            for i, v in enumerate(values):
                align = "RIGHT" if t.numeric[i] else "LEFT"
                if isinstance(v, tree.Link):
                    row.cell(v.text, align=align, link=v.url,
                             style=FontFace(color=(31, 78, 156)))
                else:
                    row.cell(str(v), align=align, style=bold)
    pdf.ln(1.5)
    if t.caption:
        _text(pdf, t.caption, 7.5, MUTED, gap=2.5, line=3.3)


def _notes(pdf: _PDF, notes: tree.Notes) -> None:
    if not notes.items:
        return
    _text(pdf, "Where the data stop", 9, WARN, bold=True, gap=0.8)
    for n in notes.items:
        pdf.set_x(pdf.l_margin + 3)
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(*WARN)
        pdf.multi_cell(pdf.text_width - 3, 4, f"• {n}", align="L", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        pdf.ln(0.6)
    pdf.ln(2)


def _claims(pdf: _PDF, claims: tree.Claims) -> None:
    if claims.source:
        _text(pdf, f"Claims file source: {claims.source}", 8.5, MUTED)
    for item in claims.items:
        if pdf.get_y() + 14 > pdf.page_break_trigger:
            pdf.add_page()
        fill, ink = VERDICT_COLOURS.get(item.verdict, ((233, 236, 239), INK))
        pdf.set_font(FONT, "B", 8)
        pdf.set_fill_color(*fill)
        pdf.set_text_color(*ink)
        label = item.verdict.upper()
        pdf.cell(pdf.get_string_width(label) + 4, 5, label, fill=True, align="C")
        pdf.set_text_color(*INK)
        pdf.cell(2, 5, "")
        pdf.set_font(FONT, "B", 9)
        pdf.cell(0, 5, item.id, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(0, 4.6, item.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for e in item.evidence:
            pdf.set_x(pdf.l_margin + 4)
            pdf.set_font(FONT, "", 7.8)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(pdf.text_width - 4, 3.6, f"– {e}", align="L", new_x=XPos.LMARGIN,
                           new_y=YPos.NEXT)
        pdf.ln(2)


def _facts(pdf: _PDF, facts: list[tree.Fact]) -> None:
    if not facts:
        return
    gap = 2.5
    n = len(facts)
    w = (pdf.text_width - gap * (n - 1)) / n
    inner = w - 4

    def height(f: tree.Fact) -> float:
        pdf.set_font(FONT, "", 6.8)
        h = len(pdf.multi_cell(inner, 3, f.label.upper(), dry_run=True, output="LINES")) * 3
        pdf.set_font(FONT, "B", 13)
        h += len(pdf.multi_cell(inner, 6, f.value, dry_run=True, output="LINES")) * 6
        pdf.set_font(FONT, "", 7)
        h += len(pdf.multi_cell(inner, 3.1, f.detail, dry_run=True, output="LINES")) * 3.1
        return h + 4

    box = max(height(f) for f in facts)
    top = pdf.get_y()
    pdf.set_draw_color(*LINE)
    pdf.set_fill_color(248, 249, 251)
    for i, f in enumerate(facts):
        x = pdf.l_margin + i * (w + gap)
        pdf.rect(x, top, w, box, style="DF")
        pdf.set_xy(x + 2, top + 2)
        pdf.set_font(FONT, "", 6.8)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(inner, 3, f.label.upper(), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FONT, "B", 13)
        pdf.set_text_color(*INK)
        pdf.multi_cell(inner, 6, f.value, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 7)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(inner, 3.1, f.detail, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, top + box + 4)


def _front(pdf: _PDF, r: tree.Report) -> None:
    pdf.add_page()
    pdf.start_section("Answer")
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, pdf.w, 34, style="F")
    pdf.set_xy(MARGIN, 9)
    pdf.set_font(FONT, "B", 16)
    pdf.set_text_color(255, 255, 255)
    pdf.multi_cell(0, 7, r.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(207, 214, 227)
    pdf.multi_cell(0, 3.8, f"{r.subtitle} · generated {r.generated}", align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y() + 6, 40))
    _text(pdf, r.front.headline, 12.5, INK, bold=True, gap=3, line=5.6)
    _facts(pdf, r.front.facts)
    _figure(pdf, r.front.figure)
    for s in r.front.sentences:
        _text(pdf, s, 9, INK, gap=1.6, line=4.3)


def render(report: tree.Report) -> bytes:
    """The report as the bytes of a PDF."""
    pdf = _PDF(report)
    _front(pdf, report)
    for section in report.sections:
        first = section.blocks[0] if section.blocks else None
        need = 90.0
        if isinstance(first, tree.Figure) and first.key in pdf.pngs:
            need = max(need, 25 + _figure_size(pdf, pdf.pngs[first.key])[1])
        if pdf.get_y() + need > pdf.page_break_trigger:
            pdf.add_page()
        else:
            pdf.ln(6)
            pdf.set_draw_color(*LINE)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
            pdf.ln(4)
        pdf.start_section(section.title)
        _text(pdf, section.title, 15, ACCENT, bold=True, gap=3, line=7)
        for b in section.blocks:
            if isinstance(b, tree.Paragraph):
                if b.style == "method":
                    _text(pdf, b.text, 8, MUTED, gap=2.5, line=3.7)
                elif b.style == "empty":
                    _empty(pdf, b.text)
                else:
                    _text(pdf, b.text, 9, INK, gap=2, line=4.3)
            elif isinstance(b, tree.Heading):
                _heading(pdf, b.text)
            elif isinstance(b, tree.Figure):
                _figure(pdf, b)
            elif isinstance(b, tree.Table):
                _table(pdf, b)
            elif isinstance(b, tree.Notes):
                _notes(pdf, b)
            elif isinstance(b, tree.Claims):
                _claims(pdf, b)
    return bytes(pdf.output())


def write(report: tree.Report, out: str | Path) -> Path:
    """Write the PDF atomically (a temporary file beside it, then a rename)."""
    out = Path(out)
    data = render(report)
    atomic_write(out, lambda tmp: tmp.write_bytes(data), lambda _, exc: exc)
    return out

"""Render a :class:`multivector.analysis.profile.Profile` as an HTML or PDF report.

One content tree (:func:`multivector.report.content.build`) feeds both outputs: the HTML file
embeds each chart's Vega-Lite specification and draws it in the browser; the PDF carries the
same specifications rendered to PNG by vl-convert. Nothing is computed here.
"""

from __future__ import annotations

from pathlib import Path

from multivector.analysis.profile import Profile
from multivector.report import content, html, pdf


def render_html(p: Profile) -> str:
    """The report as one self-contained HTML string."""
    return html.render(content.build(p))


def render_pdf(p: Profile) -> bytes:
    """The report as the bytes of an A4 PDF."""
    return pdf.render(content.build(p))


def write_report(p: Profile, out: str | Path, pdf_out: str | Path | None = None,
                 html_out: bool = True) -> list[Path]:
    """Write the HTML report to ``out`` and, when asked, the PDF to ``pdf_out``, atomically.

    Parameters
    ----------
    p : Profile
        The profile to render.
    out : str or Path
        The HTML file (ignored when ``html_out`` is False).
    pdf_out : str or Path, optional
        The PDF file; None for no PDF.
    html_out : bool
        Whether to write the HTML file.

    Returns
    -------
    list of Path
        The files written, HTML first.
    """
    report = content.build(p)
    written = []
    if html_out:
        written.append(html.write(report, out))
    if pdf_out is not None:
        written.append(pdf.write(report, pdf_out))
    return written

"""The report as a tree: sections of blocks (paragraphs, headings, figures, tables, claims,
notes) after a front page.

:func:`multivector.report.content.build` makes the tree from a profile; the HTML renderer
(:mod:`multivector.report.html`) and the PDF renderer (:mod:`multivector.report.pdf`) lay out
the same tree, so the two outputs carry the same words and numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import altair as alt

from multivector.report.charts import common


@dataclass
class Link:
    """A piece of table text that links to ``url``."""

    text: str
    url: str


@dataclass
class Paragraph:
    """A paragraph of text; ``style`` is ``text``, ``method`` (muted) or ``empty`` (no data)."""

    block: ClassVar[str] = "paragraph"
    text: str
    style: str = "text"


@dataclass
class Heading:
    """A sub-heading inside a section."""

    block: ClassVar[str] = "heading"
    text: str


@dataclass
class Figure:
    """A chart with its caption (source and the years its data cover)."""

    block: ClassVar[str] = "figure"
    key: str
    chart: alt.TopLevelMixin | None
    caption: str
    empty: str

    _spec: dict | None = field(default=None, repr=False, compare=False)

    def spec(self) -> dict | None:
        """The Vega-Lite specification, or None when there is no chart (built once)."""
        if self.chart is not None and self._spec is None:
            self._spec = common.spec(self.chart)
        return self._spec


@dataclass
class Table:
    """A table of text cells (or :class:`Link`); ``numeric`` columns are right-aligned."""

    block: ClassVar[str] = "table"
    key: str
    header: list[str]
    rows: list[list[str | Link]]
    numeric: list[bool] = field(default_factory=list)
    widths: list[float] | None = None  # relative column widths, for the PDF
    caption: str = ""
    highlight: list[int] = field(default_factory=list)  # rows set in bold (the focal state)


@dataclass
class ClaimItem:
    """One checked claim: its verdict and the evidence, as text."""

    id: str
    text: str
    verdict: str
    evidence: list[str]


@dataclass
class Claims:
    """The claims section's list."""

    block: ClassVar[str] = "claims"
    source: str
    items: list[ClaimItem]


@dataclass
class Notes:
    """Where the data stop, as a highlighted list."""

    block: ClassVar[str] = "notes"
    items: list[str]


Block = Paragraph | Heading | Figure | Table | Claims | Notes


@dataclass
class Section:
    """A titled section of the report."""

    id: str
    title: str
    blocks: list[Block]
    nav: str = ""  # short title for the HTML's navigation bar

    def __post_init__(self) -> None:
        self.nav = self.nav or self.title


@dataclass
class Fact:
    """A key figure of the front page: label, value and a line of detail."""

    label: str
    value: str
    detail: str


@dataclass
class FrontPage:
    """The answer on the first screen: a headline, key figures, sentences, one chart."""

    headline: str
    facts: list[Fact]
    sentences: list[str]
    figure: Figure


@dataclass
class Report:
    """Everything the renderers lay out."""

    iso3: str
    name: str
    title: str
    subtitle: str
    generated: str
    version: str
    front: FrontPage
    sections: list[Section]
    notes: list[str]

    def figures(self) -> list[Figure]:
        """Every figure in reading order (the front page's first)."""
        out = [self.front.figure]
        for s in self.sections:
            out += [b for b in s.blocks if isinstance(b, Figure)]
        return out


def figure(key: str, chart: alt.TopLevelMixin | None, cap: str, what: str) -> Figure:
    """A figure whose empty text says the warehouse holds no data for ``what``."""
    return Figure(key, chart, cap, f"No data in the warehouse for {what}.")

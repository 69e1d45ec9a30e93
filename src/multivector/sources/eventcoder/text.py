"""News text in: plain text, HTML, a folder of them or standard input; dates found in text.

A document's date comes from, in order: an explicit ``date`` given by the caller, the HTML's
metadata (``article:published_time``, ``date``, ``pubdate``, ``<time datetime>``), or a
``Date:`` line or the first full date in its first lines. A sentence's date is a full date it
states ("12 March 2023", "March 12, 2023", "2023-03-12"), else a weekday it names ("on
Wednesday": the latest such day on or before the document's date), else the document's date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from multivector.core.errors import MultivectorError

SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".xhtml"}
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class InputError(MultivectorError):
    """A text input that cannot be read."""


@dataclass
class Document:
    """One article: its name (path or ``-``), plain text, sha256 of its bytes, date if known."""

    name: str
    text: str
    sha256: str
    date: dt.date | None = None


class _HTMLText(HTMLParser):
    SKIP = {"script", "style", "noscript", "head", "nav", "footer", "aside", "form"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article",
             "section", "blockquote", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.skip = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"])
        elif tag == "time" and a.get("datetime"):
            self.meta.setdefault("time", a["datetime"])
        if tag == "title":
            self._in_title = True
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """The visible text of an HTML page (one block a paragraph) and its ``<meta>`` values."""
    p = _HTMLText()
    p.feed(html)
    p.close()
    text = re.sub(r"[ \t\r\f\v]+", " ", "".join(p.parts))
    text = re.sub(r"\s*\n\s*", "\n\n", text).strip()
    return text, p.meta


def parse_iso(value: str) -> dt.date | None:
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", value or "")
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?([A-Z][a-z]{2,8})\.?,? (\d{4})\b")
_MDY = re.compile(r"\b([A-Z][a-z]{2,8})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\b")
_WEEKDAY = re.compile(r"\b(?:on |last |this )?(" + "|".join(w.title() for w in WEEKDAYS) + r")\b")


def explicit_date(text: str) -> dt.date | None:
    """The first full calendar date written in ``text`` (ISO, "12 March 2023", "March 12,
    2023"), or None."""
    found: list[tuple[int, dt.date]] = []
    iso = re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    if iso and (d := parse_iso(iso.group(0))):
        found.append((iso.start(), d))
    for rx, order in ((_DMY, (3, 2, 1)), (_MDY, (3, 1, 2))):
        for m in rx.finditer(text):
            y, mon, day = (m.group(i) for i in order)
            month = MONTHS.get(mon.lower())
            if month:
                with contextlib.suppress(ValueError):
                    found.append((m.start(), dt.date(int(y), month, int(day))))
                break
    return min(found)[1] if found else None


def sentence_date(sentence: str, doc_date: dt.date | None) -> dt.date | None:
    """The date of what a sentence reports (see the module's notes)."""
    d = explicit_date(sentence)
    if d or doc_date is None:
        return d or doc_date
    m = _WEEKDAY.search(sentence)
    if m:
        back = (doc_date.weekday() - WEEKDAYS.index(m.group(1).lower())) % 7
        return doc_date - dt.timedelta(days=back)
    return doc_date


def make_document(name: str, raw: bytes, date: dt.date | None = None) -> Document:
    """A Document from the bytes of a file (HTML when it looks like HTML)."""
    sha = hashlib.sha256(raw).hexdigest()
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError:
        content = raw.decode("latin-1")
    head = content[:2000].lower()
    meta: dict[str, str] = {}
    if name.lower().endswith((".html", ".htm", ".xhtml")) or "<html" in head or "<p>" in head:
        content, meta = html_to_text(content)
    if date is None:
        for key in ("article:published_time", "date", "pubdate", "publishdate", "dc.date",
                    "datepublished", "time"):
            if (date := parse_iso(meta.get(key, ""))) is not None:
                break
    if date is None:
        m = re.search(r"^\s*Date:\s*(.+)$", content[:500], flags=re.M | re.I)
        date = (parse_iso(m.group(1)) or explicit_date(m.group(1))) if m else None
    if date is None:
        date = explicit_date(content[:300])
    return Document(name, content, sha, date)


def read_inputs(paths: list[str], date: dt.date | None = None) -> list[Document]:
    """Documents from files, folders (their text and HTML files, sorted) and ``-`` (stdin)."""
    docs: list[Document] = []
    for p in paths:
        if p == "-":
            docs.append(make_document("-", sys.stdin.buffer.read(), date))
            continue
        path = Path(p)
        if path.is_dir():
            files = sorted(f for f in path.rglob("*") if f.is_file()
                           and f.suffix.lower() in SUFFIXES)
            if not files:
                raise InputError(f"{path}: no .txt or .html files in this folder")
        elif path.is_file():
            files = [path]
        else:
            raise InputError(f"{path}: no such file or folder")
        for f in files:
            try:
                docs.append(make_document(str(f), f.read_bytes(), date))
            except OSError as exc:
                raise InputError(f"{f}: cannot be read ({exc.strerror})") from None
    return docs

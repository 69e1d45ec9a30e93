"""The report as a person sees it: HTML drawn by headless Chromium, the PDF turned into pages.

Unit tests build small profiles by hand (no data mirror needed): the front page's words follow
the numbers and the documented thresholds, empty channels say so instead of failing, and both
renderers produce a document. The real-data tests render the reports of Kazakhstan, Türkiye
and Brazil from the warehouse built from the mirror: every chart must be drawn by vega-embed in
Chromium with no console message, and the PDF's pages must be A4, not blank, and carry the
section headings and the state's name in their text layer.
"""

from __future__ import annotations

import html.parser
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.analysis.profile import Profile
from multivector.cli import app
from multivector.core import poles
from multivector.report import content, tree, words
from multivector.report import html as html_mod
from multivector.report import pdf as pdf_mod
from multivector.report.charts import trade
from multivector.report.front_page import front_page
from multivector.report.sections.claims import claims_section
from profiles import bare_profile

runner = CliRunner()
STATES = ["KAZ", "TUR", "BRA"]


# --------------------------------------------------------------------------- small profiles
def _bare(iso3: str = "KAZ", name: str = "Kazakhstan") -> Profile:
    """A profile with nothing in it, as a warehouse without any source would give."""
    return bare_profile(iso3, name)


def _with_balance() -> Profile:
    """A profile holding a composite balance for 2000-2003 and its tilt, nothing else."""
    p = _bare()
    rows, tilt = [], []
    dominant = {2000: "EU", 2001: "EU", 2002: "CHN", 2003: "CHN"}
    for y, dom in dominant.items():
        rows.append({"iso3": "KAZ", "year": y, "channel": "composite", "evenness": 0.80 + y % 10
                     / 100, "hhi_norm": 0.1, "dominant_pole": dom, "dominant_share": 0.4,
                     "margin": 0.1, "lo": 0.75, "hi": 0.9, "n_poles": 4, "n_channels": 3,
                     "channels": "exports,imports,unga"})
        shares = {"USA": 0.1, "EU": 0.3, "CHN": 0.3, "RUS": 0.3}
        shares[dom] = 0.4
        shares["RUS"] = 0.2
        for pole, s in shares.items():
            tilt.append({"iso3": "KAZ", "year": y, "channel": "composite", "pole": pole,
                         "share": s, "clr": np.log(s)})
    p.balance = pd.DataFrame(rows)
    p.tilt = pd.DataFrame(tilt)
    return p


def test_rank_bands_follow_the_documented_quarters():
    assert words.rank_band(1, 200) == words.rank_band(50, 200)
    assert "most evenly spread quarter" in words.rank_band(50, 200)
    assert "middle half" in words.rank_band(51, 200)
    assert "middle half" in words.rank_band(150, 200)
    assert "most concentrated quarter" in words.rank_band(151, 200)
    assert "most concentrated quarter" in words.rank_band(200, 200)


def test_not_reported_years_are_grouped_into_spans():
    missing = pd.DataFrame({"year": [1992, 1993, 1996, 1996],
                            "pole": ["Russia", "Russia", "Russia", "China"]})
    spans = trade.not_reported_spans(missing)
    assert spans[["x0", "x1"]].values.tolist() == [[1991.5, 1993.5], [1995.5, 1996.5]]
    assert spans["label"].tolist() == ["Russia not reported", "China, Russia not reported"]


def test_caption_says_where_the_data_stop():
    p = _bare()
    years = pd.Series([1992, 2005, 2020])
    assert words.caption(p, "IMF", years) == (
        "Source: IMF. Data 1992-2020; 2021-2024 shaded: no data, nothing estimated.")
    assert words.caption(p, "IMF", years, "Year", shaded=False) == (
        "Source: IMF. Year 1992-2020.")
    assert words.caption(p, "IMF", pd.Series([1995, 2024])) == "Source: IMF. Data 1995-2024."
    assert words.caption(p, "IMF", None) == "Source: IMF."


def test_empty_profile_renders_with_no_data_messages(tmp_path):
    p = _bare()
    report = content.build(p)
    assert all(f.chart is None for f in report.figures())
    assert "not enough data" in report.front.headline
    page = html.unescape(html_mod.render(report))
    assert page.count('class="empty"') >= len(report.figures())
    assert "No data in the warehouse for Kazakhstan's UN General Assembly votes" in page
    assert "No data in the warehouse for Kazakhstan's exports by partner" in page
    # no chart to draw, yet the page is complete and still self-contained
    assert '<script type="application/json" id="vega-specs">{}</script>' in page
    out = pdf_mod.write(report, tmp_path / "empty.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob(".*"))  # no temporary file left beside it


def front_channels(p) -> list[str]:
    comp = p.balance[p.balance["channel"] == "composite"]
    return str(comp["channels"].iloc[-1]).split(",")


def test_front_page_sentences_follow_the_numbers():
    p = _with_balance()
    front = front_page(p)
    text = " ".join(front.sentences)
    # the latest year, its evenness and interval, formatted from the frame
    assert "In 2003, Kazakhstan's engagement was spread across the 4 poles" in text
    assert "composite evenness of 0.83 (95% interval 0.75-0.90)" in text
    # largest pole and since when: China from 2002, the EU before
    assert "Its largest pole in 2003 was China (40% of the composite)" in text
    assert "China has been the largest pole since 2002 (before that, the European Union)" in text
    # no sensitivity tables: says so instead of inventing a rank
    assert "rank among all states is not available" in text
    assert "How much the answer moves with the analyst's choices (pole set, UNGA measure, " \
           "vote subset, weights) is not shown: this warehouse holds no sensitivity tables." in text
    assert front.headline.startswith("Kazakhstan, 2003: largest pole China (40%)")
    # change over the run of the channel set: 0.80 in 2000 to 0.83 in 2003, same channels
    assert ("From 2000 to 2003, on the same channels, the composite evenness rose (0.800 to "
            "0.830, +0.030)") in text
    assert "The composite is built on one channel set throughout" in text
    facts = {f.label: f.value for f in front.facts}
    assert facts["Balance across the poles, 2003"] == "0.83"
    assert facts["Change 2000-2003"] == "+0.03"
    assert facts["Channel set"] == f"{len(front_channels(p))} channels"


def test_front_page_rank_uses_the_sensitivity_row_of_the_same_year():
    p = _with_balance()
    p.sensitivity = pd.DataFrame([
        {"iso3": "KAZ", "year": 2003, "evenness": 0.83, "rank": 20, "n_states": 100,
         "rank_min": 2, "rank_p05": 5, "rank_p95": 24, "rank_max": 60, "evenness_min": 0.6,
         "evenness_p05": 0.7, "evenness_median": 0.8, "evenness_p95": 0.9,
         "evenness_max": 0.95, "n_runs": 1414},
        {"iso3": "KAZ", "year": 2010, "evenness": 0.5, "rank": 99, "n_states": 100,
         "rank_min": 90, "rank_p05": 95, "rank_p95": 99, "rank_max": 100,
         "evenness_min": 0.4, "evenness_p05": 0.45, "evenness_median": 0.5,
         "evenness_p95": 0.55, "evenness_max": 0.6, "n_runs": 1414}])
    front = front_page(p)
    text = " ".join(front.sentences)
    assert "ranks Kazakhstan 20th of the 100 states in 2003" in text
    assert "more even than 81% of them" in text  # (100 - 20) / 99
    assert "among the most evenly spread quarter of states" in text
    # p05-p95 of the rank stay within the top quarter: the words say so
    assert "where it stays in 90% of the alternative analyses (ranks 5-24)" in text
    assert "composite ranges 0.70-0.90 (5th-95th percentile; 0.60-0.95 overall)" in text
    p.sensitivity.loc[0, "rank_p95"] = 60
    text = " ".join(front_page(p).sentences)
    assert "its place depends on the analyst's choices: ranks 5-60" in text
    # another pole set: the stored ranks are under the defaults, and the report says so
    p.pole_set = poles.load_pole_set("wide")
    front = front_page(p)
    text = " ".join(front.sentences)
    assert "Under the default settings (core poles, split votes on all roll calls, default " \
           "weights), whose composite differs from this report's, the sensitivity run ranks " \
           "Kazakhstan 20th of the 100 states" in text
    assert "than 81% of states" not in front.headline


def test_front_page_places_a_state_among_peers_it_does_not_belong_to():
    from multivector.core.peers import load_peer_set

    p = _with_balance()
    p.iso3, p.name = "TUV", "Tuvalu"
    p.peers = load_peer_set("middle")
    assert "TUV" not in p.peers.members
    p.peers_balance = pd.DataFrame({"iso3": ["TUV", "KAZ", "BRA"], "year": [2003] * 3,
                                    "evenness": [0.9, 0.95, 0.5]})
    front = front_page(p)
    text = " ".join(front.sentences)
    assert "Placed among the 2 middle powers, it would be 2nd of 3." in text
    facts = {f.label: f for f in front.facts}
    assert facts["Among middle powers"].value == "2nd of 3"
    assert "Tuvalu is not one of them" in facts["Among middle powers"].detail


def test_claims_section_lists_verdicts_and_evidence():
    wdi = {"source": "wdi", "title": "World Bank WDI", "citation": "World Bank (2025). WDI."}
    p = _bare()
    p.claims = {"source": {"title": "Test statements", "note": "Written for the test."},
                "file": "claims.yaml", "results": [
        {"id": "gdp", "text": "GDP per capita was 9,000 dollars in 2020.", "country": "KAZ",
         "verdict": "supported",
         "evidence": [{"check": "value", "name": "ny.gdp.pcap.cd", "year": 2020,
                       "stated": 9000.0, "found": 9121.6, "sources": [wdi],
                       "explanation": "GDP per capita of KAZ in 2020 = 9,122; stated 9,000 "
                                      "(+1.4%, tolerance 10%) -> supported"}]},
        {"id": "rank", "text": "Kazakhstan is the most balanced state.", "country": "KAZ",
         "verdict": "contradicted", "evidence": [{"name": "balance", "rank": 47, "of": 211}]},
        {"id": "x", "text": "Trade in 2023.", "country": "KAZ", "verdict": "unverifiable",
         "evidence": []},
    ]}
    section = claims_section(p)
    assert section is not None
    items = next(b for b in section.blocks if isinstance(b, tree.Claims)).items
    assert [i.verdict for i in items] == ["supported", "contradicted", "unverifiable"]
    assert items[0].evidence == ["GDP per capita of KAZ in 2020 = 9,122; stated 9,000 (+1.4%, "
                                 "tolerance 10%) -> supported (source: World Bank WDI)"]
    assert items[1].evidence == ["name: balance; rank: 47; of: 211"]
    assert items[2].evidence == []
    page = html.unescape(html_mod.render(content.build(p)))
    assert '<span class="verdict contradicted">contradicted</span>' in page
    assert "3 claims checked against the warehouse: 1 supported, 1 contradicted, " \
           "1 unverifiable. Claims file: claims.yaml." in page
    assert "Claims file source: Test statements — Written for the test." in page
    assert "World Bank (2025). WDI." in page  # the citation of the evidence's source
    assert claims_section(_bare()) is None


def test_vega_bundle_is_cached_on_disk(monkeypatch, tmp_path):
    monkeypatch.setenv("MULTIVECTOR_HOME", str(tmp_path))
    first = html_mod.vega_bundle()
    assert "vegaEmbed" in first
    cached = list((tmp_path / "cache").glob("vega-bundle-*.js"))
    assert len(cached) == 1
    cached[0].write_text("window.vegaEmbed = 'from the cache';", encoding="utf-8")
    assert html_mod.vega_bundle() == "window.vegaEmbed = 'from the cache';"


# ------------------------------------------------------------------------- real reports
def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def reports(tmp_path_factory, built_warehouse) -> dict[str, Path]:
    """HTML and PDF reports of Kazakhstan, Türkiye and Brazil, written by the CLI."""
    import os

    out = tmp_path_factory.mktemp("reports")
    home = tmp_path_factory.mktemp("home")
    env = {"MULTIVECTOR_WAREHOUSE": str(built_warehouse), "MULTIVECTOR_HOME": str(home)}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        for iso3 in STATES:
            res = runner.invoke(app, ["report", iso3, "--pdf", "--out", str(out / f"{iso3}.html")])
            assert res.exit_code == 0, res.output
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {p.name: p for p in out.iterdir()}


class _Charts(html.parser.HTMLParser):
    """Every ``fig-*`` chart container of a DOM and whether an SVG was drawn inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.drawn: dict[str, int] = {}

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr", "path", "rect", "line", "circle", "use", "stop"}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        chart = a.get("id") if (a.get("id") or "").startswith("fig-") and "chart" in (
            a.get("class") or "") else None
        if chart:
            self.drawn.setdefault(chart, 0)
        if tag == "svg" and "marks" in (a.get("class") or ""):
            for c in self.stack:
                if c:
                    self.drawn[c] += 1
        if tag not in self.VOID:
            self.stack.append(chart)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()


@pytest.mark.mirror
@pytest.mark.parametrize("iso3", STATES)
def test_html_report_draws_every_chart_in_chromium(reports, iso3, tmp_path):
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium): the HTML report "
                    "cannot be drawn headless")
    page = reports[f"{iso3}.html"]
    source = page.read_text(encoding="utf-8")
    specs = json.loads(re.search(r'<script type="application/json" id="vega-specs">(.*?)'
                                 r"</script>", source, re.S).group(1))
    assert len(specs) >= 15, sorted(specs)
    # no script is fetched from anywhere: the libraries are inlined, once
    assert not re.search(r"<script[^>]*\bsrc\s*=", source, re.I)
    assert source.count("window.vegaEmbed=") == 1
    proc = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=1",
         "--virtual-time-budget=30000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], "\n".join(console)
    dom = proc.stdout
    assert f'data-charts-expected="{len(specs)}"' in dom
    assert f'data-charts-rendered="{len(specs)}"' in dom
    assert 'data-charts-failed="0"' in dom
    parser = _Charts()
    parser.feed(dom)
    assert set(parser.drawn) == set(specs)
    assert {k: v for k, v in parser.drawn.items() if v == 0} == {}


@pytest.mark.mirror
@pytest.mark.parametrize("iso3, name", [("KAZ", "Kazakhstan"), ("TUR", "Türkiye")])
def test_pdf_report_pages_are_a4_not_blank_and_searchable(reports, iso3, name):
    import pypdfium2 as pdfium

    data = reports[f"{iso3}.pdf"].read_bytes()
    doc = pdfium.PdfDocument(io.BytesIO(data))
    n = len(doc)
    assert 8 <= n <= 40, n
    text = []
    for i in range(n):
        page = doc[i]
        w, h = page.get_size()
        assert (round(w), round(h)) == (595, 842)  # A4 in points
        pixels = np.asarray(page.render(scale=0.5).to_pil().convert("L"), dtype=float)
        assert pixels.std() > 8, f"page {i + 1} looks blank"
        text.append(page.get_textpage().get_text_range())
    full = "\n".join(text)
    for heading in ("UN General Assembly votes", "Trade: buyers and suppliers",
                    "Security: alliances and military spending",
                    "Memberships: IGOs and regional formats", "Strategic minerals",
                    "Commodities and economy", "Balance by channel, tilt and change",
                    "How much the answer depends on the analyst's choices",
                    "Peers and the middle-power index", "Poles, sources and citations"):
        assert heading in full, heading
    assert f"{name} ({iso3}): balance across the poles" in text[0]
    assert f"page 1 of {n}" in text[0] and f"page {n} of {n}" in text[-1]
    # the charts are images on the pages; the fonts are embedded
    assert data.count(b"/Subtype /Image") >= 10
    assert b"/FontFile2" in data and b"LiberationSans" in data


@pytest.mark.mirror
def test_every_chart_of_the_kazakhstan_report_is_valid_vega_lite(built_warehouse):
    from multivector import warehouse
    from multivector.analysis import profile

    with warehouse.connect(built_warehouse) as con:
        p = profile.build_profile(con, "KAZ")
    report = content.build(p)
    drawn = [f for f in report.figures() if f.chart is not None]
    assert len(drawn) >= 15
    for f in drawn:
        f.chart.to_dict(validate=True)  # raises on a specification Vega-Lite would reject

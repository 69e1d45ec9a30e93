"""The report's charts as a reader sees them, asserted on their Vega-Lite specifications.

Small hand-built profiles (no data mirror): labels fit their plot and do not run into each
other, bands stay inside their axes, a bar and its label show the same number, the scatter is
drawn in its section's year; the command line explains its columns and sorts the sensitivity
factors by effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.analysis.alignment import UngaOptions
from multivector.analysis.coverage import Coverage
from multivector.analysis.profile import Profile
from multivector.cli import app
from multivector.core import poles
from multivector.core.terms import TERMS, explain
from multivector.report import labels
from multivector.report.charts import balance, common, economy, peers, sensitivity
from multivector.report.sections.peers import peers_section

runner = CliRunner()


# ---------------------------------------------------------------------------------- helpers
def _profile(years: tuple[int, int] = (1992, 2024)) -> Profile:
    cov = [Coverage("Trade by partner", "IMF DOTS", None, None, years)]
    return Profile("KAZ", "Kazakhstan", years, poles.load_pole_set("core"),
                   pd.DataFrame(columns=["year", "indicator", "value"]), {}, pd.DataFrame(),
                   pd.DataFrame(), UngaOptions(), pd.DataFrame(), pd.DataFrame(), cov,
                   pd.DataFrame(columns=["source", "title", "citation", "coverage", "licence",
                                         "files", "rows"]), {"built_at": "2026-01-01"})


def _units(spec: dict):
    """Every single-view spec (one with a mark) inside ``spec``, with its data rows."""
    datasets = spec.get("datasets", {})

    def walk(node: dict, data: list | None):
        if "data" in node:
            d = node["data"]
            data = datasets.get(d.get("name"), d.get("values", data))
        if "mark" in node:
            yield node, data
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for child in node.get(key, []):
                yield from walk(child, data)
        if "spec" in node:
            yield from walk(node["spec"], data)

    yield from walk(spec, None)


def _mark(unit: dict) -> dict:
    m = unit["mark"]
    return m if isinstance(m, dict) else {"type": m}


def _composite_profile(channels: list[str]) -> Profile:
    """A composite 1992-2020 whose interval reaches below every point, with the channel sets
    given per year (cycled), so the chart has breaks."""
    p = _profile()
    rows = []
    for i, y in enumerate(range(1992, 2021)):
        ev = 0.60 + 0.01 * (i % 5)
        rows.append({"iso3": "KAZ", "year": y, "channel": "composite", "evenness": ev,
                     "hhi_norm": 0.2, "dominant_pole": "EU", "dominant_share": 0.4,
                     "margin": 0.1, "lo": ev - 0.17, "hi": min(1.0, ev + 0.05), "n_poles": 4,
                     "n_channels": 3, "channels": channels[i % len(channels)]})
    p.balance = pd.DataFrame(rows)
    return p


# -------------------------------------------------------------------------- label placement
def test_spread_keeps_neighbours_apart_and_moves_them_little():
    ys = [100.0, 104.0, 300.0, 101.0]
    out = labels.spread(ys, 12)
    assert min(np.diff(sorted(out))) >= 12 - 1e-9
    assert out[2] == 300.0  # a label with room stays where it is
    assert abs(out[0] - 100.0) < 1e-9  # the first of a cluster stays, the others move down
    # kept inside the plot when they fit
    assert max(labels.spread([195.0, 196.0, 197.0], 12, top=0, bottom=200)) <= 200


def test_place_beside_avoids_earlier_labels_and_the_plot_edges():
    pts = [(100.0, 100.0, 5.0), (104.0, 102.0, 5.0), (395.0, 50.0, 5.0)]
    texts = ["Kazakhstan", "TUR", "IND"]
    spots = labels.place_beside(pts, texts, [12.0, 10.0, 10.0], 400, 200)
    boxes = [labels.Placed(x, y, labels.text_width(t, f), f + 2)
             for (x, y), t, f in zip(spots, texts, [12.0, 10.0, 10.0], strict=True)]
    assert not boxes[0].hits(boxes[1])
    assert all(b.x >= 0 and b.x + b.width <= 400 for b in boxes)
    assert spots[2][0] < 395  # no room on the right: the label goes to the left of its point


def test_symlog_pixels_follow_vegas_transform():
    assert labels.symlog_px(0, 0, 100, 500) == 0
    assert labels.symlog_px(100, 0, 100, 500) == pytest.approx(500)
    assert labels.symlog_px(10, 0, 100, 500) == pytest.approx(500 * np.log1p(10) /
                                                              np.log1p(100))


# ------------------------------------------------------------------------------ gap bands
@pytest.mark.parametrize("height", [120, 170, 230])
def test_gap_label_is_wrapped_to_fit_the_plot_height(height):
    p = _profile()
    label = "no composite: fewer than 3 channels with data"
    layers = common.gap_layers(p, 2014, label, height)
    text = [(u, d) for layer in layers for u, d in _units(layer.to_dict())
            if _mark(u)["type"] == "text"]
    assert len(text) == 1
    shown = text[0][1][0]["label"]
    assert shown.replace("\n", " ") == label  # every word kept
    assert _mark(text[0][0])["lineBreak"] == "\n"
    for line in shown.split("\n"):
        assert labels.text_width(line, common.GAP_FONT) <= height - 6


def test_gap_band_too_narrow_for_its_label_shows_no_label():
    p = _profile()
    layers = common.gap_layers(p, 2023, "no composite: fewer than 3 channels with data", 230)
    assert [layer.to_dict()["mark"]["type"] for layer in layers] == ["rect"]


# ------------------------------------------------------------------------- composite chart
def test_composite_band_is_clipped_and_the_domain_holds_the_interval():
    p = _composite_profile(["exports,imports,unga"])
    spec = common.spec(balance.composite_balance(p))
    areas = [(u, d) for u, d in _units(spec) if _mark(u)["type"] == "area"]
    assert len(areas) == 1
    band, rows = areas[0]
    assert _mark(band).get("clip") is True
    lo, hi = band["encoding"]["y"]["scale"]["domain"]
    assert lo <= min(r["lo"] for r in rows) and hi == 1.0


def test_channel_break_labels_sit_above_the_plot_without_overlapping():
    # a channel leaving and coming back in consecutive years, as UN votes do for some states
    p = _composite_profile(["exports,imports,unga", "exports,imports,unga",
                            "exports,imports", "exports,imports,unga", "exports,imports",
                            "exports,imports,igo,unga"])
    spec = common.spec(balance.composite_balance(p))
    texts = [(u, d) for u, d in _units(spec)
             if _mark(u)["type"] == "text" and "lx" in u["encoding"].get("x", {}).get(
                 "field", "")]
    assert len(texts) == 1
    rows = texts[0][1]
    assert len(rows) >= 4 and all(r["ypix"] < 0 for r in rows)  # above the plot
    for i, a in enumerate(rows):
        wa = labels.text_width(a["label"], balance.BREAK_FONT)
        for b in rows[i + 1:]:
            wb = labels.text_width(b["label"], balance.BREAK_FONT)
            same_row = a["ypix"] == b["ypix"]
            assert not (same_row and a["lx"] < b["lx"] + wb and b["lx"] < a["lx"] + wa), (a, b)


# ------------------------------------------------------------------- peers and the scatter
def _peers_profile() -> Profile:
    p = _profile()
    states = {"KAZ": 0.90, "TUR": 0.89, "BRA": 0.95, "IND": 0.97, "POL": 0.70, "MEX": 0.85}
    rows, power = [], []
    for y in range(2012, 2021):
        for k, (iso3, ev) in enumerate(states.items()):
            rows.append({"iso3": iso3, "year": y, "evenness": ev - 0.002 * (2020 - y),
                         "dominant_pole": "EU", "dominant_share": 0.4})
            power.append({"iso3": iso3, "year": y, "position": [1.0, 4.5, 8.0, 38.0, 3.0,
                                                                 6.0][k],
                          "reach": [8.0, 47.0, 23.0, 41.0, 30.0, 58.0][k],
                          "power_gap": [-5.0, 20.0, -3.0, -15.0, 4.0, 30.0][k],
                          "index": 10.0, "rank": float(k + 1)})
    p.peers_balance = pd.DataFrame(rows)
    p.peers_power = pd.DataFrame(power)
    p.balance = pd.DataFrame([{"iso3": "KAZ", "year": y, "channel": "composite",
                               "evenness": 0.9, "hhi_norm": 0.1, "dominant_pole": "EU",
                               "dominant_share": 0.4, "margin": 0.1, "lo": 0.85, "hi": 0.95,
                               "n_poles": 4, "n_channels": 3, "channels": "exports,imports,unga"}
                              for y in range(2012, 2021)])
    # every component until 2014, fewer after: the old rule picked 2014 for the scatter
    p.power = pd.DataFrame({"year": list(range(2012, 2021)), "index": 10.0, "position": 1.0,
                            "reach": 8.0, "rank": 100.0,
                            "n_components": [8, 8, 8, 7, 7, 7, 7, 6, 6]})
    return p


def _label_rows(spec: dict, field: str) -> list[dict]:
    return [r for u, d in _units(spec) if _mark(u)["type"] == "text"
            and u["encoding"].get("text", {}).get("field") == field for r in d]


def test_peers_chart_names_only_the_focal_state_and_the_extremes():
    p = _peers_profile()
    spec = common.spec(peers.peers_balance(p))
    rows = _label_rows(spec, "name")
    assert sorted(r["name"] for r in rows) == sorted(["Kazakhstan", "India", "Poland"])
    ys = sorted(r["ly"] for r in rows)
    assert min(np.diff(ys)) >= 13 - 1e-9


def test_scatter_names_only_the_focal_state_and_the_extremes_apart():
    p = _peers_profile()
    spec = common.spec(peers.power_scatter(p, 2020))
    rows = _label_rows(spec, "text")
    # focal; largest position IND; largest reach and largest gap MEX; smallest gap IND
    assert sorted(r["iso3"] for r in rows) == ["IND", "KAZ", "MEX"]
    boxes = [labels.Placed(r["lx"], r["ly"], labels.text_width(r["text"], 12), 14)
             for r in rows]
    assert not any(a.hits(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_scatter_is_drawn_in_the_sections_year():
    p = _peers_profile()
    assert peers.power_year(p) == 2014  # the latest year with every component
    section = peers_section(p)
    fig = next(b for b in section.blocks if getattr(b, "key", None) == "power-scatter")
    spec = fig.spec()
    assert spec["title"]["text"].endswith(", 2020")
    points = [d for u, d in _units(spec) if _mark(u)["type"] == "circle"][0]
    assert {r["iso3"] for r in points} == set(p.peers_balance["iso3"])
    years = p.peers_power.set_index(["iso3", "year"])
    for r in points:
        assert r["reach"] == years.loc[(r["iso3"], 2020), "reach"]
    assert "2020" in fig.caption and "2014" not in fig.caption


# ------------------------------------------------------------------- legends, axes, bars
def test_commodities_legend_shows_the_whole_label():
    p = _profile()
    p.indicators = pd.DataFrame({"year": [2000, 2001, 2000, 2001],
                                 "indicator": ["tx.val.fuel.zs.un"] * 2
                                 + ["tx.val.mmtl.zs.un"] * 2,
                                 "value": [50.0, 55.0, 10.0, 12.0]})
    spec = common.spec(economy.commodities(p))
    legends = [u["encoding"]["color"]["legend"] for u, _ in _units(spec)
               if "legend" in u["encoding"].get("color", {})]
    assert legends
    longest = max(economy.SHORT_TITLES.values(), key=len)
    limit = legends[0]["labelLimit"]
    assert limit >= labels.text_width(longest, spec["config"]["legend"]["labelFontSize"])


def test_small_multiple_year_ticks_are_few_and_inside_the_span():
    for span in [(1992, 2024), (2000, 2005), (1946, 2024)]:
        ticks = common.year_ticks(_profile(span))
        assert 1 <= len(ticks) <= 4
        assert all(span[0] <= t <= span[1] for t in ticks)


def test_sensitivity_bars_and_their_labels_show_the_same_quantity():
    p = _composite_profile(["exports,imports,unga"])
    p.sensitivity_factors = pd.DataFrame({
        "iso3": "KAZ", "year": 2020, "factor": ["pole_set", "measure", "subset"],
        "evenness_range": [0.009, 0.079, 0.015], "rank_range": [14.0, 58.0, 33.0],
        "levels": [2, 3, 3]})
    spec = common.spec(sensitivity.sensitivity_factors(p))
    units = list(_units(spec))
    bars = [u for u, _ in units if _mark(u)["type"] == "bar"]
    texts = [u for u, _ in units if _mark(u)["type"] == "text"]
    assert len(bars) == len(texts) == 2
    assert {b["encoding"]["x"]["field"] for b in bars} == {"evenness_range", "rank_range"}
    for bar, text in zip(bars, texts, strict=True):
        assert bar["encoding"]["x"]["field"] == text["encoding"]["text"]["field"]
    # the largest effect on top
    assert bars[0]["encoding"]["y"]["sort"][0].startswith("UNGA measure")


# ---------------------------------------------------------------------------------- CLI
@pytest.mark.parametrize("command, terms", [
    ("balance", ["clr", "margin", "hhi_norm", "lo", "hi", "evenness"]),
    ("shares", ["share", "flag"]),
    ("rank", ["margin", "rank"]),
    ("sensitivity", ["evenness_range", "rank_range", "evenness_p05"]),
])
def test_cli_help_explains_the_columns(command, terms):
    res = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.split())
    for term in terms:
        assert f"{term}: {' '.join(TERMS[term].split()[:4])}" in flat, term
    if command == "balance":
        for words in ("centred log-ratio", "Pielou's J", "Herfindahl-Hirschman",
                      "lead of the dominant pole over the second"):
            assert words in flat


def test_table_caption_explains_only_the_columns_shown():
    text = explain(["iso3", "year", "evenness", "margin"])
    assert text.splitlines()[0].startswith("evenness: Pielou's J")
    assert text.splitlines()[1].startswith("margin: lead")
    assert "clr" not in text and "iso3" not in text


@pytest.mark.mirror
def test_sensitivity_factors_are_listed_by_effect(warehouse_env):
    res = runner.invoke(app, ["sensitivity", "KAZ", "--factors", "--years", "2015-2020",
                              "--format", "csv"])
    assert res.exit_code == 0, res.output
    import io

    frame = pd.read_csv(io.StringIO(res.output))
    assert len(frame) >= 6
    for _, g in frame.groupby(["iso3", "year"]):
        values = list(g["evenness_range"])
        assert values == sorted(values, reverse=True)

"""The command line, end to end on the warehouse built from the real mirror.

Numbers printed by the commands are checked against SQL on the warehouse, not against the
program's own functions.
"""

from __future__ import annotations

import io
import json
import re

import duckdb
import markupsafe
import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.cli import app
from multivector.sources.registry import get_source, sources

runner = CliRunner()

EU15 = {"AUT", "BEL", "DEU", "DNK", "ESP", "FIN", "FRA", "GBR", "GRC", "IRL", "ITA", "LUX",
        "NLD", "PRT", "SWE"}


def _flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def _sql(path, query, params=None) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as c:
        return c.execute(query, params or []).df()


# --- report ----------------------------------------------------------------------------------


def _check_report(html: str, iso3: str, warehouse_path) -> None:
    assert html.lstrip().lower().startswith("<!doctype html>")
    specs = json.loads(re.search(r'<script type="application/json" id="vega-specs">(.*?)'
                                 r"</script>", html, re.S).group(1))
    for key in ("composite", "economy", "unga", "exports", "imports", "channels"):
        assert f'<div id="fig-{key}" class="chart"' in html, key
        assert specs[f"fig-{key}"]["$schema"].startswith(
            "https://vega.github.io/schema/vega-lite/v6"), key
    # vega, vega-lite and vega-embed inlined once, nothing fetched from the network
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
    assert html.count("window.vegaEmbed=") == 1 and len(html) > 500_000
    assert f"({iso3})" in html
    # the citation of every ingested source, DOTS's in particular
    cite = str(markupsafe.escape(get_source("dots").citation))
    assert cite in html
    for name in ("unga_long", "unga_pkg", "unga_wide", "wdi"):
        assert str(markupsafe.escape(get_source(name).citation)) in html, name
    # the visible note that trade data end in the last year of the warehouse, no extrapolation
    last = int(_sql(warehouse_path, "SELECT max(year) AS y FROM trade WHERE reporter = ?",
                    [iso3])["y"].iloc[0])
    assert last == 2020
    notes = html.split('id="data-notes"', 1)
    assert len(notes) == 2, "no visible data notes block"
    block = notes[1].split("</div>", 1)[0]
    trade_note = [li for li in re.findall(r"<li>(.*?)</li>", block, re.S) if "IMF DOTS" in li]
    assert trade_note, block
    assert f"data end in {last}" in trade_note[0]
    assert f"{last + 1}-2024" in trade_note[0]
    assert "not extrapolated" in trade_note[0]


@pytest.mark.parametrize("iso3", ["KAZ", "BRA", "TUR"])
def test_report_writes_self_contained_html(warehouse_env, tmp_path, iso3):
    out = tmp_path / "tmp" / f"{iso3.lower()}.html"
    res = runner.invoke(app, ["report", iso3, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.is_file()
    html = out.read_text(encoding="utf-8")
    _check_report(html, iso3, warehouse_env)
    # the notes are also printed to the terminal
    assert "not extrapolated" in _flat(res.stderr)
    # no temporary file is left beside the report
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


def test_report_kazakhstan_summary_numbers(warehouse_env, tmp_path):
    """The summary's latest-session agreement with Russia equals a direct SQL count."""
    out = tmp_path / "kaz.html"
    res = runner.invoke(app, ["report", "KAZ", "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    row = _sql(warehouse_env, """
        SELECT r.session, count(*) AS joint, count(*) FILTER (a.vote = b.vote) AS same
        FROM unga_votes a JOIN unga_votes b USING (rcid) JOIN unga_rollcalls r USING (rcid)
        WHERE a.iso3 = 'KAZ' AND b.iso3 = 'RUS' AND a.vote <= 3 AND b.vote <= 3
          AND r.session = (SELECT max(session) FROM unga_rollcalls)
        GROUP BY r.session""")
    value = row["same"].iloc[0] / row["joint"].iloc[0]
    assert f"<td>Russia</td><td class=\"num\">{value:.2f}</td>" in html


def test_report_pdf_beside_the_html_and_pdf_only(warehouse_env, tmp_path):
    out = tmp_path / "kaz.html"
    res = runner.invoke(app, ["report", "KAZ", "--pdf", "--out", str(out)])
    assert res.exit_code == 0, res.output
    pdf = tmp_path / "kaz.pdf"
    assert out.is_file() and pdf.read_bytes().startswith(b"%PDF-")
    assert "kaz.pdf" in _flat(res.output)
    # a .pdf name writes the PDF only
    only = tmp_path / "only" / "tur.pdf"
    res = runner.invoke(app, ["report", "TUR", "--out", str(only)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in only.parent.iterdir()) == ["tur.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kaz.html", "kaz.pdf", "only"]


def test_report_claims_section_carries_the_checker_verdicts(warehouse_env, tmp_path):
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "examples" / "claims" / "kazakhstan.yaml"
    res = runner.invoke(app, ["claims", "check", str(example), "--format", "json"])
    assert res.exit_code == 0, res.output
    checked = json.loads(res.stdout)
    out = tmp_path / "kaz.html"
    res = runner.invoke(app, ["report", "KAZ", "--claims", str(example), "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    section = html.split('<section id="claims">', 1)[1].split("</section>", 1)[0]
    shown = re.findall(r'<li id="claim-([^"]+)"><span class="verdict ([a-z]+)">', section)
    assert shown == [(c["id"], c["verdict"]) for c in checked]
    assert {v for _, v in shown} == {"supported", "contradicted", "unverifiable"}
    assert f"{len(checked)} claims checked against the warehouse" in section


def test_report_claims_file_must_exist(warehouse_env, tmp_path):
    res = runner.invoke(app, ["report", "KAZ", "--claims", str(tmp_path / "none.yaml"),
                              "--out", str(tmp_path / "k.html")])
    assert res.exit_code == 1
    assert "--claims" in _flat(res.output) and "none.yaml" in _flat(res.output)
    assert "Traceback" not in res.output
    assert not (tmp_path / "k.html").exists()


def test_report_unknown_code_suggests_nearest(warehouse_env, tmp_path):
    res = runner.invoke(app, ["report", "KAX", "--out", str(tmp_path / "x.html")])
    assert res.exit_code == 1
    msg = _flat(res.output)
    assert "KAX" in msg and "KAZ" in msg
    assert "nearest" in msg.lower()
    assert "Traceback" not in res.output
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize("years, words", [
    ("2024-1992", ["1992", "before", "2024"]),
    ("abc", ["--years", "abc", "1992-2024"]),
])
def test_report_bad_years(warehouse_env, tmp_path, years, words):
    res = runner.invoke(app, ["report", "KAZ", "--years", years,
                              "--out", str(tmp_path / "x.html")])
    assert res.exit_code == 1
    msg = _flat(res.output)
    assert msg.startswith("error:")
    for w in words:
        assert w in msg, (w, msg)
    assert "Traceback" not in res.output
    assert not (tmp_path / "x.html").exists()


def test_report_does_not_rebuild_the_warehouse(warehouse_env, tmp_path, monkeypatch):
    from multivector.warehouse import builder

    def no_build(*a, **k):  # pragma: no cover - reached only on failure
        raise AssertionError("report rebuilt the warehouse")

    before = warehouse_env.stat()
    monkeypatch.setattr(builder, "build", no_build)  # what every build goes through
    res = runner.invoke(app, ["report", "KAZ", "--out", str(tmp_path / "k.html")])
    assert res.exit_code == 0, res.output
    after = warehouse_env.stat()
    assert after.st_mtime_ns == before.st_mtime_ns
    assert after.st_size == before.st_size
    assert "no warehouse yet" not in res.output


# --- alignment and trade ----------------------------------------------------------------------


def test_alignment_csv(warehouse_env):
    res = runner.invoke(app, ["alignment", "KAZ", "--format", "csv", "--boot", "200"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    # the CLI prints no n_members column (pole_alignment computes one; the CLI drops it)
    required = ["iso3", "pole", "session", "measure", "year", "value", "n_votes"]
    assert set(required) <= set(df.columns), list(df.columns)
    assert (df["iso3"] == "KAZ").all() and (df["measure"] == "agreement").all()
    assert df["value"].between(0, 1).all()
    assert set(df["pole"]) == {"USA", "EU", "CHN", "RUS"}
    assert (df["year"] == 1945 + df["session"]).all()
    assert df["session"].min() == 47 and df["session"].max() == 78
    # bootstrap interval over the roll calls of the session
    assert df["lo"].between(0, 1).all() and df["hi"].between(0, 1).all()
    assert (df["lo"] <= df["hi"] + 1e-12).all()
    inside = (df["lo"] - 1e-9 <= df["value"]) & (df["value"] <= df["hi"] + 1e-9)
    assert inside.mean() >= 0.9

    # single-state poles: agreement recomputed by SQL for every session
    direct = _sql(warehouse_env, """
        SELECT b.iso3 AS pole, r.session, count(*) AS joint,
               count(*) FILTER (a.vote = b.vote) / count(*) AS value
        FROM unga_votes a JOIN unga_votes b USING (rcid) JOIN unga_rollcalls r USING (rcid)
        WHERE a.iso3 = 'KAZ' AND b.iso3 IN ('USA', 'CHN', 'RUS') AND a.vote <= 3
          AND b.vote <= 3 AND r.session BETWEEN 47 AND 79
        GROUP BY ALL""")
    m = df.merge(direct, on=["pole", "session"], how="outer", indicator=True,
                 suffixes=("", "_sql"))
    m = m[m["pole"] != "EU"]
    assert (m["_merge"] == "both").all()
    assert (m["value"] - m["value_sql"]).abs().max() < 1e-9
    assert (m["n_votes"] == m["joint"]).all()

    # the EU pole: unweighted mean over the members of the session's opening year
    eu = _sql(warehouse_env, """
        WITH d AS (
            SELECT r.session, b.iso3, count(*) AS joint,
                   count(*) FILTER (a.vote = b.vote) / count(*) AS value
            FROM unga_votes a JOIN unga_votes b USING (rcid) JOIN unga_rollcalls r USING (rcid)
            JOIN blocs e ON e.iso3 = b.iso3 AND e.bloc = 'EU'
                 AND 1945 + r.session BETWEEN e.from_year AND e.to_year
            WHERE a.iso3 = 'KAZ' AND a.vote <= 3 AND b.vote <= 3
              AND r.session BETWEEN 47 AND 79
            GROUP BY ALL)
        SELECT session, avg(value) AS value, count(*) AS n_members, avg(joint) AS n_votes
        FROM d GROUP BY session""")
    got = df[df["pole"] == "EU"].merge(eu, on="session", suffixes=("", "_sql"))
    assert len(got) == len(eu) == (df["pole"] == "EU").sum()
    assert (got["value"] - got["value_sql"]).abs().max() < 1e-9
    assert (got["n_votes"] - got["n_votes_sql"]).abs().max() < 1e-9
    # (the members averaged over: 15 in 1995, session 50; 28 in 2015; 27 from 2020)
    n = eu.set_index("session")["n_members"]
    assert n[50] == 15 and n[70] == 28 and n[75] == 27


def test_trade_json_shares(warehouse_env):
    res = runner.invoke(app, ["trade", "KAZ", "--format", "json"])
    assert res.exit_code == 0, res.output
    df = pd.DataFrame(json.loads(res.stdout))
    assert {"iso3", "pole", "year", "flow", "value_usd_m", "share",
            "total_usd_m"} <= set(df.columns)
    assert (df["iso3"] == "KAZ").all()
    assert df["year"].max() == 2020  # not extrapolated past the data
    sums = df.groupby(["year", "flow"])["share"].sum(min_count=1)
    assert len(sums) == 2 * len(range(1992, 2021))
    assert (sums - 1).abs().max() <= 1e-9, sums[(sums - 1).abs() > 1e-9]
    shares = df["share"].dropna()
    assert shares.between(0, 1).all()

    # totals are Kazakhstan's own World figures; the Russia pole is its rows for Russia/USSR
    world = _sql(warehouse_env, """
        SELECT year, flow, value_usd_m AS total FROM trade
        WHERE reporter = 'KAZ' AND partner_label = 'World'""")
    t = df.drop_duplicates(["year", "flow"]).merge(world, on=["year", "flow"])
    assert len(t) == len(sums)
    assert (t["total_usd_m"] - t["total"]).abs().max() < 1e-6
    rus = _sql(warehouse_env, """
        SELECT year, flow, sum(value_usd_m) AS v FROM trade
        WHERE reporter = 'KAZ' AND partner = 'RUS' GROUP BY ALL""")
    r = df[df["pole"] == "RUS"].merge(rus, on=["year", "flow"], how="left")
    reported = r["v"].notna()
    assert reported.sum() > 40
    assert (r.loc[reported, "value_usd_m"] - r.loc[reported, "v"]).abs().max() < 1e-6
    # a year without any row for Russia has no value (not a zero)
    assert r.loc[~reported, "value_usd_m"].isna().all()


# --- poles and data ----------------------------------------------------------------------------


def test_poles_show_core_1995_lists_eu15():
    res = runner.invoke(app, ["poles", "show", "core", "--year", "1995", "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    assert (df["year"] == 1995).all()
    eu = set(df.loc[df["pole"] == "EU", "iso3"])
    assert eu >= EU15
    # besides the fifteen states only the IMF's Belgium-Luxembourg reporting group
    assert eu - EU15 <= {"BLX"}
    for pole in ("USA", "CHN", "RUS"):
        assert df.loc[df["pole"] == pole, "iso3"].tolist() == [pole]
    res = runner.invoke(app, ["poles", "show", "core", "--year", "2020", "--format", "csv"])
    eu2020 = set(pd.read_csv(io.StringIO(res.stdout)).query("pole == 'EU'")["iso3"])
    assert "GBR" not in eu2020 and {"HRV", "POL"} <= eu2020


def test_data_status_csv_ready_with_mirror(mirror):
    res = runner.invoke(app, ["data", "status", "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    assert set(df["source"]) == set(sources())
    assert (df["state"] == "ready").all(), df[df["state"] != "ready"]
    assert (df["files"] == df["available"]).all()
    for r in df.itertuples():
        assert r.files == len(get_source(r.source).files)
        assert r.citation == get_source(r.source).citation


def test_data_status_without_mirror_is_not_ready():
    res = runner.invoke(app, ["data", "status", "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    assert (df["state"] == "missing").all()


def test_data_pull_from_mirror(mirror):
    res = runner.invoke(app, ["data", "pull", "unga_wide"])
    assert res.exit_code == 0, res.output
    assert "verified 1 files of 1 sources" in _flat(res.output)


def test_data_pull_unknown_source(mirror):
    res = runner.invoke(app, ["data", "pull", "nonexistent"])
    assert res.exit_code == 1
    msg = _flat(res.output)
    assert "nonexistent" in msg
    for name in sources():
        assert name in msg, name
    assert "Traceback" not in res.output

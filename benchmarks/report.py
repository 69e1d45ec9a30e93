"""Benchmark: the full report of Kazakhstan from a built warehouse, and the sensitivity run.

Run from the repository root, with a built warehouse (``multivector ingest``)::

    .venv/bin/python benchmarks/report.py [ISO3 ...] [--no-sensitivity]

Targets (issue 6): the full KAZ report from a built warehouse in under 10 s (profile + HTML;
the PDF is timed separately), and the sensitivity run for all states 1992-2024 with default
settings in under 60 s. Every step runs in this process, after a warm-up that loads the
libraries and builds (or reads) the cached Vega bundle, so the figures are the work itself,
not Python's start-up. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def _row(name: str, seconds: float, target: str = "-") -> None:
    print(f"{name:58s} {seconds:8.2f} s  {target}")


def report_timings(iso3: str, out_dir: Path) -> None:
    """Profile, content, HTML and PDF of one state, timed step by step."""
    from multivector import warehouse
    from multivector.analysis import profile
    from multivector.report import content, html, pdf

    t0 = time.perf_counter()
    with warehouse.connect() as con:
        p = profile.build_profile(con, iso3)
    t_profile = time.perf_counter() - t0
    t1 = time.perf_counter()
    report = content.build(p)
    t_content = time.perf_counter() - t1
    t2 = time.perf_counter()
    html.write(report, out_dir / f"{iso3}.html")
    t_html = time.perf_counter() - t2
    t3 = time.perf_counter()
    pdf.write(report, out_dir / f"{iso3}.pdf")
    t_pdf = time.perf_counter() - t3
    n = sum(f.chart is not None for f in report.figures())
    _row(f"{iso3}: profile (build_profile)", t_profile)
    _row(f"{iso3}: content and {n} charts (altair)", t_content)
    _row(f"{iso3}: HTML written", t_html)
    _row(f"{iso3}: full report, profile + HTML", t_profile + t_content + t_html, "< 10 s")
    _row(f"{iso3}: PDF ({n} charts to PNG, fpdf2), separately", t_pdf)


def sensitivity_timing() -> None:
    """The sensitivity run for every state, 1992-2024, default settings (issue 6's target).

    The run itself is :func:`multivector.analysis.sensitivity.run`, maintained with the
    balance index; this only times it.
    """
    from multivector import warehouse
    from multivector.analysis import sensitivity

    with warehouse.connect() as con:
        t0 = time.perf_counter()
        try:
            res = sensitivity.run(con, (1992, 2024))
        except Exception as exc:  # a benchmark reports, it does not stop: the report rows stand
            print(f"{'sensitivity run, all states 1992-2024':58s}   failed after "
                  f"{time.perf_counter() - t0:.1f} s: {type(exc).__name__}: {exc}")
            return
        t = time.perf_counter() - t0
    _row(f"sensitivity run, all states 1992-2024 ({len(res.summary):,} state-years)", t,
         "< 60 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("states", nargs="*", default=["KAZ"])
    ap.add_argument("--no-sensitivity", action="store_true",
                    help="skip the sensitivity run for all states")
    args = ap.parse_args()
    from multivector import warehouse
    from multivector.core import paths
    from multivector.report import html, images

    if not warehouse.exists():
        raise SystemExit("no warehouse: build it first with `multivector ingest`")
    print(f"multivector report benchmark  ({os.cpu_count()} CPUs; warehouse "
          f"{paths.warehouse_path()})")
    t0 = time.perf_counter()
    html.vega_bundle()
    images.chart_png({"$schema": "https://vega.github.io/schema/vega-lite/v6.json",
                   "data": {"values": [{"x": 1}]}, "mark": "point",
                   "encoding": {"x": {"field": "x", "type": "quantitative"}}})
    _row("warm-up: Vega bundle (cached on disk) and vl-convert", time.perf_counter() - t0)
    with tempfile.TemporaryDirectory(prefix="mv-report-bench-") as tmp:
        for iso3 in args.states:
            report_timings(iso3.upper(), Path(tmp))
    if not args.no_sensitivity:
        sensitivity_timing()


if __name__ == "__main__":
    main()

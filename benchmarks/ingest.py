"""Benchmark: cold pull + ingest, warehouse size, and report time from a built warehouse.

Run from the repository root::

    MULTIVECTOR_MIRROR=../shared/data .venv/bin/python benchmarks/ingest.py

"Cold" means an empty MULTIVECTOR_HOME: every pinned file is verified (sha256) from the mirror
(or downloaded, without a mirror) and the warehouse is built from scratch. Targets (issue 2):
a report from a built warehouse in under 10 s. Figures are printed, never asserted.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "multivector"]


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, cwd=REPO, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    mirror = os.environ.get("MULTIVECTOR_MIRROR")
    with tempfile.TemporaryDirectory(prefix="mv-bench-") as home:
        env = {**os.environ, "MULTIVECTOR_HOME": home}
        rows = []
        from multivector.sources.registry import get_source
        from multivector.warehouse.builder import INGESTED

        n_files = sum(len(get_source(n).files) for n in INGESTED)
        t_pull = timed([*CLI, "data", "pull", *INGESTED], env)
        rows.append((f"pull + verify ({len(INGESTED)} sources, {n_files} files)", t_pull, "s",
                     "-"))
        t_ingest = timed([*CLI, "ingest"], env)
        rows.append(("ingest (build warehouse)", t_ingest, "s", "-"))
        rows.append(("cold pull + ingest", t_pull + t_ingest, "s", "-"))
        size = (Path(home) / "warehouse.duckdb").stat().st_size / 1e6
        rows.append(("warehouse size", size, "MB", "-"))
        for iso in ("KAZ", "BRA", "TUR"):
            out = Path(home) / f"{iso}.html"
            t = timed([*CLI, "report", iso, "--out", str(out)], env)
            rows.append((f"report {iso} from built warehouse (CLI, incl. start-up)", t, "s",
                         "< 10 s"))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows.append(("peak memory of a child process", peak, "MB", "-"))
    print(f"multivector ingest benchmark  (mirror: {mirror or 'none: network download'}; "
          f"{os.cpu_count()} CPUs)")
    print(f"{'measure':58s} {'value':>10s}  unit  target")
    for name, value, unit, target in rows:
        print(f"{name:58s} {value:10.1f}  {unit:4s}  {target}")


if __name__ == "__main__":
    main()

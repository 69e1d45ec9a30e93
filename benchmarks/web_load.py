"""Load benchmark of the web observatory on loopback: N concurrent clients (httpx async) on a
mix of pages and API calls, bounded by a request count and a time limit; p50/p95 per kind.

    multivector serve --port 8765 &          # on the warehouse, read-only
    python benchmarks/web_load.py --url http://127.0.0.1:8765 --clients 50 --requests 2000

Loopback only: the URL must be 127.0.0.1 or localhost. The first call of each URL is made once
before timing (the warm-up: the server computes a frame once and keeps it), so the figures are
those of a serving observatory, not of its first computation.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from urllib.parse import urlparse

import httpx

API = ["/api/balance/KAZ?years=2000-2020", "/api/balance/UZB?years=2000-2020",
       "/api/shares/KAZ?channel=exports&years=2000-2020", "/api/rank?year=2015",
       "/api/rank?year=2015&peers=central_asia", "/api/poles", "/api/states",
       "/api/sources", "/api/balance/KAZ?years=2000-2020&format=csv"]
PAGES = ["/state/KAZ?years=2000-2020", "/compare?states=KAZ,UZB,TUR&years=2000-2020",
         "/rank?year=2015", "/rank?year=2015&sort=evenness&order=desc", "/sources",
         "/whatif?state=KAZ&years=2010-2015&year=2015&op=scale&pole=EU&channel=exports"
         "&value=0.5", "/"]


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


async def main(url: str, clients: int, total: int, seconds: float, seed: int) -> int:
    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"refusing {url}: loopback only", file=sys.stderr)
        return 2
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as c:
        t0 = time.perf_counter()
        for path in API + PAGES:  # warm-up, one at a time
            r = await c.get(path)
            if r.status_code != 200:
                print(f"warm-up {path}: {r.status_code} {r.text[:200]}", file=sys.stderr)
                return 1
        print(f"warm-up {time.perf_counter() - t0:.1f} s for {len(API) + len(PAGES)} URLs")
        rng = random.Random(seed)
        plan = [("api", rng.choice(API)) if rng.random() < 0.7 else ("page", rng.choice(PAGES))
                for _ in range(total)]
        times: dict[str, list[float]] = {"api": [], "page": []}
        errors: list[str] = []
        deadline = time.perf_counter() + seconds
        queue = list(reversed(plan))

        async def worker() -> None:
            while queue and time.perf_counter() < deadline:
                kind, path = queue.pop()
                t = time.perf_counter()
                try:
                    r = await c.get(path)
                    ok = r.status_code == 200
                except httpx.HTTPError as exc:
                    ok, r = False, exc
                times[kind].append(time.perf_counter() - t)
                if not ok:
                    errors.append(f"{path}: {getattr(r, 'status_code', r)}")

        t1 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - t1
    n = sum(len(v) for v in times.values())
    print(f"{clients} clients, {n} requests in {wall:.1f} s ({n / wall:.0f}/s), "
          f"{len(errors)} errors")
    for kind, v in times.items():
        if v:
            print(f"  {kind:5s} n={len(v):5d}  p50 {1000 * statistics.median(v):7.1f} ms  "
                  f"p95 {1000 * pct(v, 0.95):7.1f} ms  max {1000 * max(v):7.1f} ms")
    for e in errors[:10]:
        print("  error:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8765")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    sys.exit(asyncio.run(main(a.url, a.clients, a.requests, a.seconds, a.seed)))

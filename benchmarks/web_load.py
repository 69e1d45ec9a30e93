"""Load benchmark of the web observatory on loopback: N concurrent clients (httpx async) on a
mix of pages and API calls, bounded by a request count and a time limit; p50/p95 per kind.

    multivector serve --port 8765 &          # on the warehouse, read-only
    python benchmarks/web_load.py --url http://127.0.0.1:8765 --clients 50 --requests 2000

Loopback only: the URL must be 127.0.0.1 or localhost. The first call of each URL is made once
before timing (the warm-up: the server computes a frame once and keeps it), so the figures are
those of a serving observatory, not of its first computation. The clients are spread over
``--procs`` processes. ``--client raw`` (the default) is a minimal HTTP/1.1 keep-alive client
on asyncio streams, one connection per client: an httpx request costs the client about 3 ms
of CPU, so on a small machine 50 httpx clients time their own queue more than the server
(``--client httpx`` to compare).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
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


async def warm_up(url: str) -> bool:
    async with httpx.AsyncClient(base_url=url, timeout=300) as c:
        t0 = time.perf_counter()
        for path in API + PAGES:  # one at a time
            r = await c.get(path)
            if r.status_code != 200:
                print(f"warm-up {path}: {r.status_code} {r.text[:200]}", file=sys.stderr)
                return False
    print(f"warm-up {time.perf_counter() - t0:.1f} s for {len(API) + len(PAGES)} URLs")
    return True


class RawClient:
    """One keep-alive HTTP/1.1 connection: GET a path, read the whole answer, its status."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port, self.conn = host, port, None

    async def get(self, path: str) -> int:
        if self.conn is None:
            self.conn = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.conn
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in
                  (h.partition(":") for h in head[1:] if h)}
        if "content-length" in fields:
            await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding") == "chunked":
            while True:
                size = int((await reader.readline()).strip(), 16)
                await reader.readexactly(size + 2)
                if size == 0:
                    break
        if fields.get("connection") == "close":
            writer.close()
            self.conn = None
        return status


async def run_slice(url: str, clients: int, plan: list[tuple[str, str]], seconds: float,
                    client: str = "raw") -> tuple[dict[str, list[float]], list[str], float]:
    """``clients`` concurrent clients of one process working through ``plan``."""
    if client == "raw":
        u = urlparse(url)
        return await _run(lambda: RawClient(u.hostname, u.port or 80), clients, plan, seconds)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    times: dict[str, list[float]] = {"api": [], "page": []}
    errors: list[str] = []
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as c:
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
    return times, errors, wall


async def _run(make, clients: int, plan: list[tuple[str, str]], seconds: float
               ) -> tuple[dict[str, list[float]], list[str], float]:
    times: dict[str, list[float]] = {"api": [], "page": []}
    errors: list[str] = []
    deadline = time.perf_counter() + seconds
    queue = list(reversed(plan))

    async def worker() -> None:
        c = make()
        while queue and time.perf_counter() < deadline:
            kind, path = queue.pop()
            t = time.perf_counter()
            try:
                status = await c.get(path)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                status, c = repr(exc), make()
            times[kind].append(time.perf_counter() - t)
            if status != 200:
                errors.append(f"{path}: {status}")

    t1 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return times, errors, time.perf_counter() - t1


def _slice(args: tuple) -> tuple[dict[str, list[float]], list[str], float]:
    return asyncio.run(run_slice(*args))


def main(url: str, clients: int, total: int, seconds: float, seed: int, procs: int,
         client: str = "raw") -> int:
    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"refusing {url}: loopback only", file=sys.stderr)
        return 2
    if not asyncio.run(warm_up(url)):
        return 1
    rng = random.Random(seed)
    plan = [("api", rng.choice(API)) if rng.random() < 0.7 else ("page", rng.choice(PAGES))
            for _ in range(total)]
    procs = max(1, min(procs, clients))
    per = [clients // procs + (i < clients % procs) for i in range(procs)]
    jobs = [(url, per[i], plan[i::procs], seconds, client) for i in range(procs)]
    t0 = time.perf_counter()
    with mp.get_context("spawn").Pool(procs) as pool:
        parts = pool.map(_slice, jobs)
    wall = time.perf_counter() - t0
    times = {k: [x for p in parts for x in p[0][k]] for k in ("api", "page")}
    errors = [e for p in parts for e in p[1]]
    n = sum(len(v) for v in times.values())
    print(f"{clients} clients ({client}) in {procs} processes, {n} requests in {wall:.1f} s "
          f"({n / wall:.0f}/s), {len(errors)} errors")
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
    ap.add_argument("--procs", type=int, default=2, help="client processes")
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw")
    a = ap.parse_args()
    sys.exit(main(a.url, a.clients, a.requests, a.seconds, a.seed, a.procs, a.client))

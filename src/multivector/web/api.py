"""The JSON API under ``/api/``: the same frames as the Python API, as lists of records (or
CSV and Parquet with ``format=``). Every parameter goes through :mod:`multivector.web.params`."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import Literal

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from multivector.analysis import whatif
from multivector.analysis.claims import check as claims
from multivector.analysis.claims import frames as claim_frames
from multivector.analysis.claims import parse
from multivector.core import poles as poles_mod
from multivector.core import states
from multivector.core.errors import MultivectorError
from multivector.web import frames
from multivector.web import params as prm

router = APIRouter(prefix="/api", tags=["api"])
Fmt = Literal["json", "csv", "parquet"]
MAX_UPLOAD = 200_000  # bytes: a claims or scenario file


@contextlib.contextmanager
def cursor(request: Request) -> Iterator:
    """A cursor on the process's read-only connection (one per request: thread-safe)."""
    con = request.app.state.con
    if con is None:
        raise HTTPException(503, f"no warehouse at {request.app.state.warehouse}; build it "
                                 "with `multivector ingest`")
    cur = con.cursor()
    try:
        yield cur
    finally:
        cur.close()


def frame_response(frame: pd.DataFrame, fmt: str, name: str) -> Response:
    body, media = frames.encode(frame, fmt)
    headers = {}
    if fmt != "json":
        safe = "".join(c for c in name if c.isalnum() or c in "-_")
        headers["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    return Response(body, media_type=media, headers=headers)


@router.get("/states", summary="States with ISO3 code and name")
def api_states(format: Fmt = "json") -> Response:
    t = states.iso3_table()
    return frame_response(t.reset_index(drop=True), format, "states")


@router.get("/poles", summary="Packaged pole sets and their poles")
def api_poles() -> JSONResponse:
    out = []
    for name in poles_mod.packaged_pole_sets():
        ps = poles_mod.load_pole_set(name)
        out.append({"name": ps.name, "description": ps.description,
                    "poles": [{"id": p.id, "label": p.label} for p in ps.poles]})
    return JSONResponse(out)


@router.get("/balance/{state}", summary="Balance per channel and composite (the balance "
                                        "command's rows)")
def api_balance(request: Request, state: str, poles: str = "core", years: str = "1992-2024",
                channels: str | None = None, weights: str | None = None,
                format: Fmt = "json") -> Response:
    iso3, span, ps = prm.state(state), prm.years(years), prm.poles(poles)
    cs, w = prm.channels(channels), prm.weights(weights)
    with cursor(request) as con:
        frame = frames.balance(con, iso3, span, ps, cs, w)
    return frame_response(frame, format, f"balance-{iso3}")


@router.get("/shares/{state}", summary="Shares by pole in one channel")
def api_shares(request: Request, state: str, channel: str = "exports", poles: str = "core",
               years: str = "1992-2024", format: Fmt = "json") -> Response:
    iso3, ch, span, ps = prm.state(state), prm.channel(channel), prm.years(years), prm.poles(poles)
    with cursor(request) as con:
        frame = frames.shares(con, iso3, ch, span, ps)
    return frame_response(frame, format, f"shares-{iso3}-{ch}")


@router.get("/rank", summary="Every state ranked by composite evenness in a year")
def api_rank(request: Request, year: int = Query(2020), poles: str = "core",
             peers: str | None = None, format: Fmt = "json") -> Response:
    y, ps, pe = prm.year(year), prm.poles(poles), prm.peers(peers)
    with cursor(request) as con:
        frame = frames.rank(con, y, ps, pe)
    return frame_response(frame, format, f"rank-{y}")


@router.get("/power", summary="Middle-power index")
def api_power(request: Request, year: int | None = None, format: Fmt = "json") -> Response:
    y = prm.year(year) if year is not None else None
    with cursor(request) as con:
        frame = frames.power(con, y)
    return frame_response(frame, format, "power")


@router.get("/sensitivity/{state}", summary="Composite and rank ranges under the analyst's "
                                            "choices")
def api_sensitivity(request: Request, state: str, years: str = "1992-2024",
                    format: Fmt = "json") -> Response:
    iso3, span = prm.state(state), prm.years(years)
    with cursor(request) as con:
        frame = frames.sensitivity(con, iso3, span)
    return frame_response(frame, format, f"sensitivity-{iso3}")


@router.get("/sources", summary="Measures, their sources and the years the data cover")
def api_sources(request: Request, format: Fmt = "json") -> Response:
    with cursor(request) as con:
        frame = frames.sources(con)
    return frame_response(frame, format, "sources")


async def read_upload(request: Request, field: str = "file") -> str:
    """The text of a request: the ``field`` part of a multipart form (a file upload) or the
    raw body; at most :data:`MAX_UPLOAD` bytes, UTF-8."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=4, max_part_size=MAX_UPLOAD + 1)
        part = form.get(field)
        if part is None:
            raise MultivectorError(f"upload: the form has no {field!r} part")
        data = (await part.read(MAX_UPLOAD + 1) if hasattr(part, "read")
                else str(part).encode("utf-8"))
    else:
        data = await request.body()
    if len(data) > MAX_UPLOAD:
        raise MultivectorError(f"upload too large: more than {MAX_UPLOAD:,} bytes")
    if not data.strip():
        raise MultivectorError("upload is empty: send a YAML file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise MultivectorError("upload is not UTF-8 text") from None


def check_claims(request: Request, text: str) -> list[dict]:
    """Check a claims file's text against the warehouse
    (:func:`multivector.analysis.claims.parse.load_claims` refuses aliases, deep nesting and
    oversize files)."""
    fd, tmp = tempfile.mkstemp(suffix=".yaml", prefix="claims-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            parsed = parse.load_claims(tmp)
        except MultivectorError as exc:
            raise MultivectorError(str(exc).replace(tmp, "uploaded claims file")) from None
        with cursor(request) as con:
            results = claims.check(parsed, claim_frames.MeasureData(con))
    finally:
        os.unlink(tmp)
    return [r.to_dict() for r in results]


UPLOAD_BODY = {"requestBody": {"required": True, "content": {
    "application/yaml": {"schema": {"type": "string"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}}}}}


@router.post("/claims", summary="Check a claims file (YAML, as the body or a 'file' upload)",
             openapi_extra=UPLOAD_BODY)
async def api_claims(request: Request) -> JSONResponse:
    text = await read_upload(request)
    return JSONResponse(await run_in_threadpool(check_claims, request, text))


def run_scenario(request: Request, sc) -> dict:
    with cursor(request) as con:
        res = whatif.run(con, sc)
    return whatif.records(res, sc)


@router.post("/scenarios", summary="Run a what-if scenario (YAML or JSON body) against the "
                                   "baseline", openapi_extra=UPLOAD_BODY)
async def api_scenarios(request: Request) -> JSONResponse:
    text = await read_upload(request)
    sc = whatif.parse(text, "scenario")
    return JSONResponse(await run_in_threadpool(run_scenario, request, sc))

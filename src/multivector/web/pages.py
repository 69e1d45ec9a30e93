"""Server-rendered pages: a state's profile (the report's sections), compare, ranking, what-if,
claims and sources. Every control is a query parameter, so a URL carries the page's state;
tables link their CSV and Parquet, charts export SVG and PNG (vega-embed's menu; a state page's
charts also link their server-drawn images, :mod:`multivector.web.charts`). Nothing is computed
here: the frames come from :mod:`multivector.web.frames` and :mod:`multivector.analysis.whatif`.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import altair as alt
import jinja2
import markupsafe
import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from multivector.analysis import whatif, whatif_steps
from multivector.core import peers as peers_mod
from multivector.core import poles as poles_mod
from multivector.core.errors import MultivectorError
from multivector.core.vocabulary import BALANCE_CHANNELS
from multivector.measures import scenario as tf
from multivector.report.html import vega_bundle
from multivector.web import api, charts, frames
from multivector.web import params as prm

router = APIRouter(include_in_schema=False)
ENV = jinja2.Environment(loader=jinja2.PackageLoader("multivector.web", "templates"),
                         autoescape=jinja2.select_autoescape(["html", "j2"]),
                         trim_blocks=True, lstrip_blocks=True)
ENV.filters["cell"] = lambda v: markupsafe.Markup('<a href="{}" rel="noopener">{}</a>').format(
    v.url, v.text) if hasattr(v, "url") else markupsafe.escape(v)
ENV.globals["qs"] = lambda **kw: urlencode({k: v for k, v in kw.items() if v not in (None, "")})
ENV.globals["chart_names"] = frozenset(prm.Chart)
ENV.globals["chart_url"] = charts.url
STEPS = 3


def page(name: str, **ctx) -> HTMLResponse:
    ctx.setdefault("pole_sets", poles_mod.packaged_pole_sets())
    ctx.setdefault("peer_sets", peers_mod.packaged_peer_sets())
    ctx.setdefault("channel_names", BALANCE_CHANNELS)
    specs = ctx.pop("specs", {})
    ctx["specs"] = markupsafe.Markup(json.dumps(specs, allow_nan=False, default=str)
                                     .replace("</", "<\\/"))
    return HTMLResponse(ENV.get_template(name).render(**ctx))


def table(frame: pd.DataFrame, key: str, download: str | None = None, nd: int = 3) -> dict:
    """A frame for the template: header, formatted rows, its CSV/Parquet links."""
    def fmt(v):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return ""
        if isinstance(v, float):
            return f"{v:.{nd}f}"
        return str(v)
    return {"key": key, "header": list(frame.columns),
            "rows": [[fmt(v) for v in row] for row in frame.itertuples(index=False)],
            "numeric": [pd.api.types.is_numeric_dtype(t) for t in frame.dtypes],
            "download": download}


@router.get("/assets/vega.js")
def vega_js() -> Response:
    """Vega, Vega-Lite and vega-embed, from the installed vl-convert (no CDN)."""
    body = frames.cached(("vega",), vega_bundle)
    return Response(body, media_type="text/javascript",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/", response_class=HTMLResponse)
def index() -> HTMLResponse:
    return page("index.html.j2", title="multivector observatory")


@router.get("/go")
def go(state: str = "KAZ", poles: str | None = None, years: str | None = None,
       peers: str | None = None, channels: str | None = None) -> Response:
    """The state forms: to the state's page by code or name, the other controls kept."""
    q = {"poles": poles and prm.poles(poles), "years": years, "peers": peers and
         prm.peers(peers), "channels": channels}
    rest = urlencode({k: v for k, v in q.items() if v})
    return RedirectResponse(f"/state/{prm.state(state)}" + (f"?{rest}" if rest else ""),
                            status_code=303)


@router.get("/state/{state}", response_class=HTMLResponse)
def state_page(request: Request, state: str, poles: str = "core", years: str = "1992-2024",
               peers: str = "middle", channels: str | None = None) -> HTMLResponse:
    iso3, span, ps = prm.state(state), prm.years(years), prm.poles(poles)
    pe, cs = prm.peers(peers) or "middle", prm.channels(channels)
    with api.cursor(request) as con:
        report = frames.report(con, iso3, span, ps, pe, cs)
    specs = {f"fig-{f.key}": f.spec() for f in report.figures() if f.chart is not None}
    q = {"poles": ps, "years": f"{span[0]}-{span[1]}", "channels": channels or ""}
    downloads = [("balance", f"/api/balance/{iso3}?" + urlencode({k: v for k, v in q.items()
                                                                  if v})),
                 ("sensitivity", f"/api/sensitivity/{iso3}?years={span[0]}-{span[1]}")]
    downloads += [(f"shares: {c}", f"/api/shares/{iso3}?" + urlencode(
        {"channel": c, "poles": ps, "years": f"{span[0]}-{span[1]}"})) for c in BALANCE_CHANNELS]
    return page("state.html.j2", title=report.title, r=report, iso3=iso3, poles=ps,
                years=f"{span[0]}-{span[1]}", peers=pe, channels=",".join(cs or ()),
                downloads=downloads, specs=specs,
                chart_query=charts.page_query(iso3, span, ps, pe, cs),
                table_link=f"/download/state/{iso3}", query=urlencode(
                    {"poles": ps, "years": f"{span[0]}-{span[1]}", "peers": pe,
                     "channels": channels or ""}))


@router.get("/download/state/{state}/{key}.{fmt}")
def state_table(request: Request, state: str, key: str, fmt: str, poles: str = "core",
                years: str = "1992-2024", peers: str = "middle",
                channels: str | None = None) -> Response:
    """A table of a state's page as CSV or Parquet."""
    if fmt not in ("csv", "parquet"):
        raise MultivectorError(f"format must be csv or parquet, got {fmt[:20]!r}")
    iso3, span, ps = prm.state(state), prm.years(years), prm.poles(poles)
    pe, cs = prm.peers(peers) or "middle", prm.channels(channels)
    with api.cursor(request) as con:
        report = frames.report(con, iso3, span, ps, pe, cs)
    for s in report.sections:
        for b in s.blocks:
            if b.block == "table" and b.key == key:
                rows = [[getattr(c, "text", c) for c in row] for row in b.rows]
                return api.frame_response(pd.DataFrame(rows, columns=b.header), fmt,
                                          f"{iso3}-{key}")
    raise MultivectorError(f"no table {key[:40]!r} on {iso3}'s page")


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, states: str = "KAZ,UZB,TUR", poles: str = "core",
            years: str = "1992-2024", channels: str | None = None) -> HTMLResponse:
    codes, span, ps, cs = (prm.states_list(states), prm.years(years), prm.poles(poles),
                           prm.channels(channels))
    parts = []
    with api.cursor(request) as con:
        for c in codes:
            b = frames.balance(con, c, span, ps, cs, None)
            parts.append(b[b["channel"] == "composite"])
    comp = pd.concat(parts, ignore_index=True)[["iso3", "year", "evenness", "lo", "hi",
                                                "dominant_pole", "dominant_share", "channels"]]
    wide = comp.pivot_table(index="year", columns="iso3", values="evenness").reset_index()
    wide.columns.name = None
    chart = alt.Chart(comp).mark_line(point=True).encode(
        x=alt.X("year:O", title="year"), y=alt.Y("evenness:Q", title="composite evenness",
                                                   scale=alt.Scale(zero=False)),
        color=alt.Color("iso3:N", title="state"),
        tooltip=["iso3", "year", alt.Tooltip("evenness:Q", format=".3f")]
    ).properties(width=640, height=280, title="Composite balance (Pielou's J over the poles)")
    q = urlencode({"states": ",".join(codes), "poles": ps, "years": f"{span[0]}-{span[1]}",
                   "channels": channels or ""})
    return page("compare.html.j2", title="Compare states", states=",".join(codes), poles=ps,
                years=f"{span[0]}-{span[1]}", channels=channels or "",
                specs={"fig-compare": chart.to_dict()},
                table=table(wide, "compare", f"/download/compare?{q}"), codes=codes)


@router.get("/download/compare")
def compare_download(request: Request, states: str, poles: str = "core",
                     years: str = "1992-2024", channels: str | None = None,
                     format: api.Fmt = "csv") -> Response:
    codes, span, ps, cs = (prm.states_list(states), prm.years(years), prm.poles(poles),
                           prm.channels(channels))
    with api.cursor(request) as con:
        b = pd.concat([frames.balance(con, c, span, ps, cs, None) for c in codes])
    return api.frame_response(b[b["channel"] == "composite"], format, "compare")


@router.get("/rank", response_class=HTMLResponse)
def rank_page(request: Request, year: int = Query(2020), poles: str = "core",
              peers: str | None = None, sort: str = "rank",
              order: str = "asc") -> HTMLResponse:
    y, ps, pe = prm.year(year), prm.poles(poles), prm.peers(peers)
    if not re.fullmatch(r"[a-z0-9_]{1,40}", sort):
        raise MultivectorError(f"sort: {sort[:40]!r} is not a column name")
    if order not in ("asc", "desc"):
        raise MultivectorError("order must be asc or desc")
    with api.cursor(request) as con:
        frame = frames.rank(con, y, ps, pe)
    if sort not in frame.columns:
        raise MultivectorError(f"sort: unknown column {sort[:40]!r}; columns: "
                               f"{', '.join(frame.columns)}")
    if order not in ("asc", "desc"):
        raise MultivectorError("order must be asc or desc")
    frame = frame.sort_values([sort, "iso3"], ascending=[order == "asc", True],
                              na_position="last", kind="stable")
    q = {"year": y, "poles": ps, "peers": pe or ""}
    return page("rank.html.j2", title=f"Ranking {y}", year=y, poles=ps, peers=pe or "",
                sort=sort, order=order, base=q,
                table=table(frame, "rank", "/api/rank?" + urlencode(
                    {k: v for k, v in q.items() if v})))


def _steps(op: list[str], pole: list[str], channel: list[str], value: list[str],
           partner: list[str]) -> list[str]:
    """The form's step rows as ``--step`` text; a row with a partner is a partner step (its
    pole is then not used)."""
    out = []
    for i in range(min(len(op), STEPS)):
        if not op[i]:
            continue
        who = partner[i].strip() if i < len(partner) else ""
        p = f"partner={who}" if who else (pole[i] if i < len(pole) else "")
        c = channel[i] if i < len(channel) and channel[i] else "*"
        v = value[i] if i < len(value) else ""
        out.append(f"{op[i]}:{p}@{c}" + (f"={v}" if op[i] != "drop" else ""))
    return out


def _scenario(state, years, year, poles, weights, op, pole, channel, value, partner):
    span = prm.years(years)
    raw = {"state": prm.state(state), "years": list(span), "year": prm.year(year),
           "poles": prm.poles(poles), "weights": dict(prm.weights(weights) or ()) or None,
           "steps": [whatif_steps.parse_step(s[:120])
                     for s in _steps(op, pole, channel, value, partner)]}
    return whatif.check(raw)


@router.get("/whatif", response_class=HTMLResponse)
def whatif_page(request: Request, state: str = "KAZ", years: str = "2000-2020",
                year: int = 2020, poles: str = "core", weights: str | None = None,
                op: list[str] = Query([]), pole: list[str] = Query([]),
                channel: list[str] = Query([]), value: list[str] = Query([]),
                partner: list[str] = Query([]),
                fuel: str = "", reactor: str = "", financing: str = "") -> HTMLResponse:
    sc = _scenario(state, years, year, poles, weights, op, pole, channel, value, partner)
    result = None
    if sc.steps or sc.weights:
        with api.cursor(request) as con:
            result = frames.cached(("whatif", whatif.dump(sc, "json")),
                                   lambda: whatif.run(con, sc))
    pole_ids = [p.id for p in poles_mod.load_pole_set(sc.poles).poles]
    parts = [(k, v) for k, v in (("fuel", fuel), ("reactor", reactor),
                                 ("financing", financing)) if v]
    cons = tf.consortium(parts, pole_ids) if parts else None
    rows = [{"op": o, "pole": p, "channel": c, "value": v, "partner": w} for o, p, c, v, w in
            zip(op + [""] * STEPS, pole + [""] * STEPS, channel + [""] * STEPS,
                value + [""] * STEPS, partner + [""] * STEPS, strict=False)][:STEPS]
    query = str(request.url.query)
    comp = moved = None
    if result is not None:
        b = result["balance"]
        comp = b[b["channel"] == "composite"]
        moved = whatif.moved(result["shares"], sc.year)
    return page("whatif.html.j2", title="What-if", sc=sc, state=sc.state, rows=rows,
                years=f"{sc.years[0]}-{sc.years[1]}", year=sc.year, poles=sc.poles,
                weights=weights or "", pole_ids=pole_ids, query=query,
                step_channels=whatif_steps.STEP_CHANNELS,
                described=result["steps"] if result else [],
                notes=result["notes"] if result else [],
                shares=table(moved, "whatif-shares") if moved is not None and len(moved)
                else None,
                balance=table(comp, "whatif-balance") if comp is not None else None,
                rank=table(result["rank"], "whatif-rank") if result else None,
                consortium=table(cons, "consortium") if cons is not None else None,
                fuel=fuel, reactor=reactor, financing=financing)


@router.get("/whatif/scenario.{fmt}")
def whatif_file(state: str = "KAZ", years: str = "2000-2020", year: int = 2020,
                poles: str = "core", weights: str | None = None,
                op: list[str] = Query([]), pole: list[str] = Query([]),
                channel: list[str] = Query([]), value: list[str] = Query([]),
                partner: list[str] = Query([]), fmt: str = "yaml") -> Response:
    """The scenario as a file that ``multivector whatif --scenario`` reproduces."""
    if fmt not in ("yaml", "json"):
        raise MultivectorError("scenario file: yaml or json")
    sc = _scenario(state, years, year, poles, weights, op, pole, channel, value, partner)
    return Response(whatif.dump(sc, fmt), media_type="application/json" if fmt == "json"
                    else "application/yaml", headers={
                        "Content-Disposition": f'attachment; filename="scenario.{fmt}"'})


@router.get("/claims", response_class=HTMLResponse)
def claims_form() -> HTMLResponse:
    return page("claims.html.j2", title="Claims checker", results=None, text="")


@router.post("/claims", response_class=HTMLResponse)
async def claims_post(request: Request) -> HTMLResponse:
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        raise MultivectorError("send the claims form (multipart/form-data)")
    form = await request.form(max_files=1, max_fields=4, max_part_size=api.MAX_UPLOAD + 1)
    file, text = form.get("file"), form.get("text") or ""
    if hasattr(file, "read") and getattr(file, "filename", ""):
        data = await file.read(api.MAX_UPLOAD + 1)
        if len(data) > api.MAX_UPLOAD:
            raise MultivectorError(f"upload too large: more than {api.MAX_UPLOAD:,} bytes")
        try:
            body = data.decode("utf-8")
        except UnicodeDecodeError:
            raise MultivectorError("upload is not UTF-8 text") from None
    else:
        text = str(text)
        if len(text.encode("utf-8")) > api.MAX_UPLOAD:
            raise MultivectorError(f"claims text too large: more than {api.MAX_UPLOAD:,} bytes")
        body = text
    if not body.strip():
        raise MultivectorError("paste a claims file or choose one to upload")
    results = await run_in_threadpool(api.check_claims, request, body)
    return page("claims.html.j2", title="Claims checker", results=results, text=body)


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request) -> HTMLResponse:
    with api.cursor(request) as con:
        frame = frames.sources(con)
    return page("sources.html.j2", title="Sources and where each stops",
                table=table(frame, "sources", "/api/sources"))

"""A chart of a state's page as an image: ``GET /api/chart/{chart}.{fmt}?state=KAZ``.

The chart is the page's own figure (the report's Vega-Lite specification,
:func:`multivector.web.frames.report`), drawn by vl-convert with the report's fonts
(:mod:`multivector.report.images`) as SVG or PNG, or given as its Vega-Lite specification
(``vl.json``). Every parameter goes through :mod:`multivector.web.params` before any data are
read; an image, once drawn, is kept like the other frames.
"""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from multivector.core.errors import MultivectorError
from multivector.report import images
from multivector.web import api, frames
from multivector.web import params as prm
from multivector.web.params import Chart, ChartFormat

router = APIRouter(prefix="/api", tags=["api"])
MEDIA = {ChartFormat.SVG: "image/svg+xml", ChartFormat.PNG: "image/png",
         ChartFormat.VEGA_LITE: "application/json"}
DESCRIPTION = ("A chart of the state page as an image (SVG, or PNG at twice its CSS pixel "
               "size) or as its Vega-Lite specification (vl.json, the data inline). The "
               "parameters are the state page's; a chart without data for them is a 404.")


class NoChartError(MultivectorError):
    """The page has no such chart for these parameters (answered 404)."""

    status = 404


def url(chart: str, fmt: str, query: str) -> str:
    """The address of a chart's image, ``query`` being the page's own (urlencoded)."""
    return f"/api/chart/{chart}.{fmt}?{query}"


def page_query(iso3: str, years: tuple[int, int], poles: str, peers: str,
               channels: tuple[str, ...] | None) -> str:
    """The query of a state page's chart images: the parameters the page was drawn with."""
    return urlencode({k: v for k, v in (("state", iso3), ("years", f"{years[0]}-{years[1]}"),
                                        ("poles", poles), ("peers", peers),
                                        ("channels", ",".join(channels or ()))) if v})


def spec(con, chart: Chart, iso3: str, years: tuple[int, int], poles: str, peers: str,
         channels: tuple[str, ...] | None) -> dict:
    """The figure's Vega-Lite specification on the state page drawn with these parameters.

    Raises
    ------
    NoChartError
        The page has no such figure (events without event files) or no data for it.
    """
    report = frames.report(con, iso3, years, poles, peers, channels)
    fig = next((f for f in report.figures() if f.key == chart.value), None)
    if fig is None:
        raise NoChartError(f"chart: {iso3}'s page has no {chart.value!r} chart for "
                      f"{years[0]}-{years[1]} (its section is shown only where its data exist)")
    if fig.chart is None:
        raise NoChartError(f"chart: no {chart.value!r} chart for {iso3} in {years[0]}-{years[1]}: "
                      f"{fig.empty}")
    return fig.spec()


def draw(spec_: dict, fmt: ChartFormat) -> bytes:
    """The specification as SVG, PNG or JSON bytes."""
    if fmt is ChartFormat.SVG:
        return images.chart_svg(spec_).encode("utf-8")
    if fmt is ChartFormat.PNG:
        return images.chart_png(spec_)
    return json.dumps(spec_, allow_nan=False, default=str).encode("utf-8")


def image(con, chart: Chart, fmt: ChartFormat, iso3: str, years: tuple[int, int], poles: str,
          peers: str, channels: tuple[str, ...] | None) -> bytes:
    """A chart of the state page in ``fmt``, drawn once per process."""
    return frames.cached(("chart", chart, fmt, iso3, years, poles, peers, channels),
                         lambda: draw(spec(con, chart, iso3, years, poles, peers, channels),
                                      fmt))


ChartPath = Annotated[str, Path(description="the chart: the key of a figure on the state page",
                                json_schema_extra={"enum": [c.value for c in Chart]})]
FormatPath = Annotated[str, Path(description="svg, png, or vl.json (the Vega-Lite "
                                             "specification)",
                                 json_schema_extra={"enum": [f.value for f in ChartFormat]})]


@router.get("/chart/{chart}.{fmt}", summary="A chart of a state's page as SVG, PNG or "
                                            "Vega-Lite", description=DESCRIPTION,
            response_class=Response, responses={200: {"content": {
                MEDIA[ChartFormat.SVG]: {}, MEDIA[ChartFormat.PNG]: {}}}})
def api_chart(request: Request, chart: ChartPath, fmt: FormatPath,
              state: Annotated[str, Query(description="ISO3 code or name")],
              years: str = "1992-2024", poles: str = "core", peers: str = "middle",
              channels: str | None = None) -> Response:
    # the path's {chart}.{fmt} splits at the last dot ("composite.vl" + "json"): chart keys
    # hold no dot, so the name splits again at its first
    name, _, ext = f"{chart}.{fmt}".partition(".")
    ch, f = prm.chart(name), prm.chart_format(ext)
    iso3, span, ps = prm.state(state), prm.years(years), prm.poles(poles)
    pe, cs = prm.peers(peers) or "middle", prm.channels(channels)
    with api.cursor(request) as con:
        body = image(con, ch, f, iso3, span, ps, pe, cs)
    stem = "".join(c for c in f"{iso3}-{ch.value}-{span[0]}-{span[1]}-{ps}"
                   if c.isalnum() or c in "-_")
    return Response(body, media_type=MEDIA[f],
                    headers={"Content-Disposition": f'inline; filename="{stem}.{f.value}"'})

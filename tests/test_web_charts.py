"""Chart images of a state's page, ``GET /api/chart/{chart}.{fmt}``: SVG, PNG and the Vega-Lite
specification on the real warehouse, every bad parameter refused with its pinned message on no
warehouse at all (validation comes before any data), drawing and caching on a fake page."""

import html
import json
import re
import xml.etree.ElementTree as ET

import altair as alt
import pandas as pd
import pytest

pytest.importorskip("fastapi")
from altair.utils.schemapi import validate_jsonschema
from fastapi.testclient import TestClient

from multivector.report import images
from multivector.report.tree import Figure
from multivector.web import charts
from multivector.web.app import create_app
from multivector.web.params import Chart, ChartFormat

CHART = "/api/chart/{}?state=KAZ&years=2000-2020"
KNOWN_CHARTS = ", ".join(c.value for c in Chart)
BAD = [
    ("/api/chart/pie.svg?state=KAZ", 400, f"chart: unknown 'pie'; known: {KNOWN_CHARTS}"),
    ("/api/chart/a.b.svg?state=KAZ", 400, f"chart: unknown 'a'; known: {KNOWN_CHARTS}"),
    ("/api/chart/composite.gif?state=KAZ", 400,
     "format: unknown 'gif'; known: svg, png, vl.json"),
    ("/api/chart/composite.png.svg?state=KAZ", 400,
     "format: unknown 'png.svg'; known: svg, png, vl.json"),
    ("/api/chart/composite.svg?state=XYZ", 400,
     "state: unknown country code or name 'XYZ'; nearest matches: none"),
    ("/api/chart/composite.svg?state=%3Cscript%3E", 400,
     "state: '<script>' is not an ISO3 code or a country name"),
    ("/api/chart/composite.svg", 422, "invalid request: state: Field required"),
    ("/api/chart/composite.svg?state=KAZ&years=2020-2000", 400, "years: 2000 is before 2020"),
    ("/api/chart/composite.svg?state=KAZ&years=abc", 400,
     "years must look like 1992-2024 or 2000, got 'abc'"),
    ("/api/chart/composite.svg?state=KAZ&years=1800-1900", 400, "years must lie within"),
    ("/api/chart/composite.svg?state=KAZ&poles=../../etc/passwd", 400,
     "poles: unknown pole set '../../etc/passwd'; known: "),
    ("/api/chart/composite.svg?state=KAZ&peers=../x", 400, "peers: unknown peer set '../x'"),
    ("/api/chart/composite.svg?state=KAZ&channels=gold", 400,
     "channels: unknown channel 'gold'; known: "),
]


@pytest.fixture
def bare(tmp_path, monkeypatch):
    """No warehouse: every refusal must come before any data are read."""
    monkeypatch.setenv("MULTIVECTOR_WAREHOUSE", str(tmp_path / "none.duckdb"))
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(("url", "status", "message"), BAD)
def test_each_bad_parameter_gets_its_pinned_4xx(bare, url, status, message):
    r = bare.get(url)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["status"] == status and body["error"].startswith(message), body
    assert "Traceback" not in r.text and 'File "' not in r.text


def test_a_valid_request_reaches_the_warehouse_only_after_validation(bare):
    r = bare.get("/api/chart/sens-rank.vl.json?state=kazakhstan&years=2000")
    assert r.status_code == 503 and "no warehouse" in r.json()["error"]


def test_openapi_lists_the_endpoint_with_its_charts_and_formats(bare):
    paths = bare.get("/api/openapi.json").json()["paths"]
    op = paths["/api/chart/{chart}.{fmt}"]["get"]
    schema = {p["name"]: p["schema"] for p in op["parameters"]}
    assert schema["chart"]["enum"] == [c.value for c in Chart]
    assert schema["fmt"]["enum"] == ["svg", "png", "vl.json"]
    assert {"state", "years", "poles", "peers", "channels"} <= set(schema)
    assert {"image/svg+xml", "image/png"} <= set(op["responses"]["200"]["content"])


class _Page:
    def __init__(self, figures: list[Figure]) -> None:
        self._figures = figures

    def figures(self) -> list[Figure]:
        return self._figures


def _fake_page(monkeypatch) -> list[dict]:
    chart = alt.Chart(pd.DataFrame({"year": [2000, 2001], "evenness": [0.5, 0.6]})).mark_line(
    ).encode(x="year:O", y="evenness:Q").properties(width=300, height=120, title="t")
    page = _Page([Figure("composite", chart, "caption", "no data"),
                  Figure("milex", None, "caption", "No data in the warehouse for milex.")])
    monkeypatch.setattr(charts.frames, "report", lambda *a: page)
    drawn: list[dict] = []
    real = charts.draw

    def draw(spec, fmt):
        drawn.append(spec)
        return real(spec, fmt)

    monkeypatch.setattr(charts, "draw", draw)
    return drawn


def test_a_chart_is_drawn_once_and_a_missing_one_is_a_404(monkeypatch):
    drawn = _fake_page(monkeypatch)
    args = ("TST", (1, 2), "core", "middle", None)
    svg = charts.image(None, Chart.COMPOSITE, ChartFormat.SVG, *args)
    assert ET.fromstring(svg).tag.endswith("svg")
    assert charts.image(None, Chart.COMPOSITE, ChartFormat.SVG, *args) == svg
    assert len(drawn) == 1  # the second answer is the cached one
    png = charts.image(None, Chart.COMPOSITE, ChartFormat.PNG, *args)
    w, h = images.png_size(png)
    assert 2 * 300 <= w <= 2 * 400 and 2 * 120 <= h <= 2 * 250  # twice the CSS pixels
    with pytest.raises(charts.NoChartError, match="no 'milex' chart for TST in 1-2: No data in"):
        charts.spec(None, Chart.MILEX, *args)
    with pytest.raises(charts.NoChartError, match="TST's page has no 'events' chart"):
        charts.spec(None, Chart.EVENTS, *args)
    assert charts.NoChartError.status == 404


@pytest.fixture
def client(warehouse_env):
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


def test_svg_png_and_vega_lite_of_the_real_warehouse(client):
    r = client.get(CHART.format("composite.svg"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.headers["content-disposition"] == (
        'inline; filename="KAZ-composite-2000-2020-core.svg"')
    root = ET.fromstring(r.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Composite" in r.text or "composite" in r.text

    r = client.get(CHART.format("exports.png"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/png"
    assert r.content[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = images.png_size(r.content)
    assert 600 <= w <= 4000 and 200 <= h <= 4000
    assert r.headers["content-disposition"].endswith('filename="KAZ-exports-2000-2020-core.png"')

    r = client.get(CHART.format("sens-rank.vl.json"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    spec = r.json()
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert spec.get("data") or spec.get("datasets")
    assert any(len(rows) for rows in spec.get("datasets", {}).values())
    validate_jsonschema(spec, alt.load_schema())  # raises on an invalid specification
    assert r.headers["content-disposition"].endswith('.vl.json"')


def test_the_state_page_links_an_image_of_each_chart(client):
    r = client.get("/state/KAZ?years=2000-2020")
    assert r.status_code == 200, r.text
    figures = re.findall(r'id="fig-([\w-]+)"', r.text)
    assert figures and set(figures) <= {c.value for c in Chart}
    links = dict(re.findall(r'id="img-([\w-]+)">Image: <a href="([^"]+)"', r.text))
    assert set(links) == set(figures)
    svg = client.get(html.unescape(links["channels"]))
    assert svg.status_code == 200 and ET.fromstring(svg.content).tag.endswith("svg")
    served = client.get(html.unescape(links["channels"]).replace(".svg?", ".vl.json?")).json()
    embedded = re.search(r'<script type="application/json" id="vega-specs">(.*?)</script>',
                         r.text, re.S).group(1)
    assert served == json.loads(embedded.replace("<\\/", "</"))["fig-channels"]

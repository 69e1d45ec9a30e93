"""The JSON API and pages through FastAPI's TestClient: on the real warehouse (same rows as
the Python API) and, for validation, on no warehouse at all (every refusal happens before a
query)."""

import io

import pandas as pd
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from multivector.web.app import create_app

BAD = [
    ("/api/balance/XYZ", 400, "XYZ"),
    ("/api/balance/KAZ?years=2020-2000", 400, "2000 is before 2020"),
    ("/api/balance/KAZ?years=1800-1900", 400, "must lie within"),
    ("/api/balance/KAZ?poles=../../etc/passwd", 400, "unknown pole set"),
    ("/api/balance/KAZ?poles=/etc/passwd", 400, "unknown pole set"),
    ("/api/balance/KAZ?channels=gold", 400, "unknown channel"),
    ("/api/balance/KAZ?weights=unga=-1", 400, "weights"),
    ("/api/shares/KAZ?channel=../x", 400, "unknown"),
    ("/api/rank?year=abc", 422, "year"),
    ("/api/rank?year=1200", 400, "year must be"),
    ("/api/rank?peers=../../etc/passwd", 400, "unknown peer set"),
    ("/api/balance/..%2F..%2Fetc%2Fpasswd", 404, "not found"),
    ("/api/balance/KA%00Z", 400, "not an ISO3"),
    ("/static/..%2F..%2F..%2Fpyproject.toml", 404, "not found"),
    ("/download/state/KAZ/x.exe", 400, "csv or parquet"),
    ("/api/balance/KAZ?format=exe", 422, "format"),
    ("/state/<script>", 400, "not an ISO3"),
    ("/rank?sort=drop%20table", 400, "sort"),
    ("/compare?states=KAZ,UZB,TUR,RUS,CHN", 400, "at most 4"),
    ("/whatif?state=KAZ&op=scale&pole=EU&channel=exports&value=abc", 400, "number"),
    ("/whatif?state=KAZ&op=scale&partner=Itlay&channel=exports&value=0.5", 400,
     "nearest matches: ITA, Italy (ITA)"),
    ("/whatif?state=KAZ&op=scale&partner=ITA&channel=unga&value=0.5", 400,
     "a partner step cannot act on unga (UN General Assembly votes)"),
    ("/whatif?state=KAZ&op=scale&pole=ITA&channel=exports&value=0.5", 400,
     "to scale that partner write partner: ITA"),
    ("/nowhere", 404, "Not Found"),
]


@pytest.fixture
def bare(tmp_path, monkeypatch):
    """No warehouse: validation must answer before any data are read."""
    monkeypatch.setenv("MULTIVECTOR_WAREHOUSE", str(tmp_path / "none.duckdb"))
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(("url", "status", "text"), BAD)
def test_bad_input_gets_a_clear_4xx_and_no_traceback(bare, url, status, text):
    r = bare.get(url)
    assert r.status_code == status, r.text
    assert text.lower() in r.text.lower()
    assert "Traceback" not in r.text and 'File "' not in r.text
    assert bare.get("/healthz").text == "ok"  # still serving


def test_uploads_limited_and_parsed_safely(bare):
    huge = b"x" * 300_000
    r = bare.post("/api/claims", content=huge)
    assert r.status_code == 413 and "too large" in r.json()["error"]
    r = bare.post("/api/claims", files={"file": ("c.yaml", huge)})
    assert r.status_code == 413
    r = bare.post("/api/scenarios", content=b"state: [KAZ\nyears: {")
    assert r.status_code == 400 and "not valid YAML" in r.json()["error"]
    r = bare.post("/api/scenarios", content=b"!!python/object/apply:os.system ['echo hi']")
    assert r.status_code == 400
    r = bare.post("/api/scenarios", content=b'{"state": "KAZ", "years": [2020, 2000]}')
    assert r.status_code == 400 and "before" in r.json()["error"]
    r = bare.post("/api/claims", content=b"a: &a [1]\nb: *a\n",
                  headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code in (400, 503) and "Traceback" not in r.text
    r = bare.post("/claims", files={"file": ("c.yaml", huge)})
    assert r.status_code == 413
    r = bare.post("/claims", data={"text": "claims: [x"})
    assert r.status_code in (400, 503) and "Traceback" not in r.text
    r = bare.post("/api/claims", content=b"\xff\xfe\x00")
    assert r.status_code == 400 and "UTF-8" in r.json()["error"]
    assert bare.get("/healthz").status_code == 200


def test_openapi_schema_lists_the_api(bare):
    paths = bare.get("/api/openapi.json").json()["paths"]
    for p in ("/api/balance/{state}", "/api/shares/{state}", "/api/rank", "/api/claims",
              "/api/scenarios", "/api/states", "/api/poles", "/api/power",
              "/api/sensitivity/{state}", "/api/sources"):
        assert p in paths


@pytest.fixture
def client(warehouse_env):
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


def test_balance_rows_are_the_python_apis(client):
    from multivector import warehouse
    from multivector.analysis.balance import focal_balance
    from multivector.core import poles

    r = client.get("/api/balance/KAZ?years=2010-2020&poles=core")
    assert r.status_code == 200, r.text
    got = pd.DataFrame(r.json())
    with warehouse.connect() as con:
        want = focal_balance(con, "KAZ", (2010, 2020), poles.load_pole_set("core"))
    assert "composite" in set(got["channel"])
    assert len(got) == len(want)
    g = got.set_index(["year", "channel"])["evenness"].sort_index()
    w = want.set_index(["year", "channel"])["evenness"].sort_index()
    assert g.to_numpy() == pytest.approx(w.to_numpy(), nan_ok=True)
    # CSV and Parquet carry the same rows
    csv = pd.read_csv(io.StringIO(client.get("/api/balance/KAZ?years=2010-2020&format=csv")
                                  .text))
    pq = pd.read_parquet(io.BytesIO(client.get("/api/balance/KAZ?years=2010-2020"
                                               "&format=parquet").content))
    assert len(csv) == len(pq) == len(want)


def test_shares_and_rank(client):
    r = client.get("/api/shares/KAZ?channel=exports&years=2015-2016")
    assert r.status_code == 200, r.text
    sh = pd.DataFrame(r.json())
    assert set(sh["channel"]) == {"exports"} and set(sh["year"]) == {2015, 2016}
    assert sh.groupby("year")["share"].sum().to_numpy() == pytest.approx([1, 1], abs=1e-6)
    r = client.get("/api/rank?year=2015&peers=central_asia")
    assert r.status_code == 200, r.text
    rk = pd.DataFrame(r.json())
    assert set(rk["iso3"]) <= {"KAZ", "KGZ", "TJK", "TKM", "UZB"} and "KAZ" in set(rk["iso3"])
    ranked = rk[rk["rank_in_peers"].notna()].sort_values("rank_in_peers")
    assert ranked["evenness"].is_monotonic_decreasing


def test_scenario_moves_the_number_and_reproduces(client):
    body = ("state: KAZ\nyears: [2010, 2015]\nyear: 2015\nsteps:\n"
            "  - {op: drop, channel: imports, pole: RUS}\n")
    r = client.post("/api/scenarios", content=body.encode())
    assert r.status_code == 200, r.text
    res = r.json()
    comp = [b for b in res["balance"] if b["channel"] == "imports"]
    assert any(abs(b["change"]) > 1e-6 for b in comp if b["change"] is not None)
    base, scen = res["rank"]
    assert base["case"] == "baseline" and scen["case"] == "scenario"
    again = client.post("/api/scenarios", content=res["file"].encode()).json()
    assert again["rank"] == res["rank"]


def test_claims_post_checks_the_example(client):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "examples/claims/kazakhstan.yaml").read_bytes()
    r = client.post("/api/claims", files={"file": ("k.yaml", text)})
    assert r.status_code == 200, r.text
    verdicts = {c["verdict"] for c in r.json()}
    assert verdicts <= {"supported", "contradicted", "unverifiable"} and len(verdicts) >= 2


def test_response_cache_keeps_200s_by_path_and_query_only():
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    from multivector.web.cache import ResponseCache

    calls = []
    app = FastAPI()
    app.add_middleware(ResponseCache)

    @app.get("/x")
    def x(n: int = 0):
        calls.append(n)
        return JSONResponse({"n": n}, status_code=200 if n >= 0 else 400)

    with TestClient(app) as c:
        assert c.get("/x?n=1").json() == {"n": 1}
        assert c.get("/x?n=1").json() == {"n": 1}
        assert c.get("/x?n=2").json() == {"n": 2}
        assert c.get("/x?n=-1").status_code == 400
        assert c.get("/x?n=-1").status_code == 400
    assert calls == [1, 2, -1, -1]  # the repeated 200 answered from the cache, errors never


def test_rank_under_an_unga_choice_is_computed_not_read_from_the_stored_ranking(monkeypatch):
    """The stored ranking counts every roll call: a ranking with an issue filter (or any other
    UNGA choice) asks :func:`options.serves_ranking` with it and is computed afresh."""
    from multivector.analysis import options
    from multivector.web import frames

    class ComputedError(Exception):
        pass

    def no_stored(*a, **k):  # pragma: no cover - reached only on failure
        raise AssertionError("the stored ranking was read for an issue-filtered request")

    def compute(con, ps, years, iso3s, channels, unga, **k):
        assert unga == options.UngaChannel(issue="hr")
        raise ComputedError

    monkeypatch.setattr(options, "stored", no_stored)
    monkeypatch.setattr(frames, "all_shares", compute)
    with pytest.raises(ComputedError):
        frames.rank(None, 2020, "core", None, options.UngaChannel(issue="hr"))

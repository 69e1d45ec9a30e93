"""The observatory as a person uses it: the system Chromium driven by Playwright (never a
downloaded browser) against ``multivector serve``'s app on loopback and the real warehouse.

Screenshots go to ``$MULTIVECTOR_SCREENSHOTS`` when set (to look at them), else the test's
temporary folder.
"""

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("fastapi")
playwright = pytest.importorskip("playwright.sync_api")

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "claims" / "kazakhstan.yaml"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture
def server(warehouse_env):
    import uvicorn

    from multivector.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def page(server, tmp_path):
    exe = _chromium()
    if exe is None:
        pytest.skip("no system Chromium found (apt-get install chromium); the browser tests "
                    "never download one")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        pg.set_default_timeout(240_000)
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.errors = errors
        pg.base = server
        yield pg
        browser.close()


def _shot(pg, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("MULTIVECTOR_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def _charts_drawn(pg) -> None:
    pg.wait_for_selector("body[data-charts-rendered]")
    assert pg.get_attribute("body", "data-charts-rendered") == pg.get_attribute(
        "body", "data-charts-expected")


def test_a_session_in_the_observatory(page, tmp_path):
    pg, base = page, page.base
    # Kazakhstan's profile, then the wide pole set
    pg.goto(f"{base}/state/KAZ?years=2000-2020")
    _charts_drawn(pg)
    assert "Kazakhstan" in pg.inner_text("#page-title")
    assert int(pg.get_attribute("body", "data-charts-rendered")) > 3
    _shot(pg, "1-state-kaz", tmp_path)
    pg.select_option("#ctl-poles", "wide")
    pg.click("#ctl-apply")
    pg.wait_for_url("**poles=wide**")
    _charts_drawn(pg)
    assert "pole set wide" in pg.inner_text("#subtitle")
    _shot(pg, "2-state-kaz-wide", tmp_path)

    # compare KAZ, UZB and TUR
    pg.goto(f"{base}/compare")
    pg.fill("#ctl-states", "KAZ,UZB,TUR")
    pg.click("#ctl-apply")
    pg.wait_for_url("**states=KAZ%2CUZB%2CTUR**")
    _charts_drawn(pg)
    header = pg.locator("#table-compare th").all_inner_texts()
    assert header == ["year", "KAZ", "TUR", "UZB"]
    _shot(pg, "3-compare", tmp_path)

    # the ranking, sorted by evenness (ascending, then descending)
    pg.goto(f"{base}/rank?year=2015")
    pg.click("#table-rank th a[data-col='evenness']")
    pg.wait_for_url("**sort=evenness**")
    col = pg.locator("#table-rank th").all_inner_texts().index("evenness ▲")
    values = [float(t) for t in pg.locator(f"#table-rank tbody tr td:nth-child({col + 1})")
              .all_inner_texts() if t.strip()]
    assert len(values) > 50 and values == sorted(values)
    pg.click("#table-rank th a[data-col='evenness']")
    pg.wait_for_url("**order=desc**")
    _shot(pg, "4-rank-sorted", tmp_path)
    # a CSV download read back: the same rows as the table
    with pg.expect_download() as dl:
        pg.click("#controls ~ section a.dl-csv")
    frame = pd.read_csv(dl.value.path())
    assert len(frame) == pg.locator("#table-rank tbody tr").count()
    assert {"iso3", "evenness", "rank"} <= set(frame.columns)

    # a what-if: Kazakhstan's exports to the EU halved
    pg.goto(f"{base}/whatif?state=KAZ&years=2010-2015&year=2015")
    pg.select_option("#step1-op", "scale")
    pg.select_option("#step1-pole", "EU")
    pg.select_option("#step1-channel", "exports")
    pg.fill("#step1-value", "0.5")
    pg.click("#ctl-apply")
    pg.wait_for_selector("#table-whatif-balance")
    head = pg.locator("#table-whatif-balance th").all_inner_texts()
    rows = pg.locator("#table-whatif-balance tbody tr")
    changes = [float(rows.nth(i).locator("td").nth(head.index("change")).inner_text() or 0)
               for i in range(rows.count())]
    assert any(abs(c) > 0.0005 for c in changes)
    assert "op=scale" in pg.url  # the URL carries the scenario
    _shot(pg, "5-whatif", tmp_path)
    pg.select_option("#cons-fuel", "RUS")
    pg.select_option("#cons-reactor", "USA")
    pg.select_option("#cons-financing", "CHN")
    pg.click("#cons-apply")
    pg.wait_for_selector("#table-consortium")

    # a claims file checked
    pg.goto(f"{base}/claims")
    pg.fill("#claims-text", EXAMPLE.read_text("utf-8"))
    pg.click("#claims-check")
    pg.wait_for_selector("#claims-results")
    verdicts = set(pg.locator(".claims .verdict").all_inner_texts())
    assert {v.lower() for v in verdicts} >= {"supported", "contradicted"}
    _shot(pg, "6-claims", tmp_path)

    pg.goto(f"{base}/sources")
    assert pg.locator("#table-sources tbody tr").count() > 10
    assert pg.errors == []

"""Build src/multivector/data/cow_states.csv: COW state codes to ISO3, by year.

Run once when the COW state list changes::

    MULTIVECTOR_MIRROR=../shared/data .venv/bin/python scripts/build_cow_crosswalk.py

Names are matched with country_converter; the historical states it cannot match (or that must
map by year) are set explicitly in HISTORICAL below. USSR (365) maps to RUS, its continuing state
at the UN; Yugoslavia (345) is YUG to 1991 and SRB (its COW continuation) from 1992.
"""

from __future__ import annotations

import logging
from pathlib import Path

import country_converter as coco
import pandas as pd
import pyreadr

from multivector.sources.fetch import fetch
from multivector.sources.registry import get_source

# ccode: list of (iso3, from_year, to_year, kind, name)
HISTORICAL = {
    255: [("DEU", 1816, 2100, "state", "Germany")],
    260: [("DEU", 1955, 1990, "historical", "German Federal Republic (West Germany)")],
    265: [("DDR", 1954, 1990, "historical", "German Democratic Republic")],
    300: [("AUH", 1816, 1918, "historical", "Austria-Hungary")],
    315: [("CSK", 1918, 1992, "historical", "Czechoslovakia")],
    316: [("CZE", 1993, 2100, "state", "Czechia")],
    327: [("PAP", 1816, 1860, "historical", "Papal States")],
    345: [("YUG", 1878, 1991, "historical", "Yugoslavia (SFRY and predecessors)"),
          ("SRB", 1992, 2100, "state", "Serbia (FRY, Serbia and Montenegro, Serbia)")],
    365: [("RUS", 1816, 2100, "state", "Russia (USSR 1922-1991)")],
    511: [("ZAN", 1963, 1964, "historical", "Zanzibar")],
    678: [("YEM", 1926, 1990, "state", "Yemen Arab Republic (North Yemen), continued by Yemen")],
    679: [("YEM", 1990, 2100, "state", "Yemen")],
    680: [("YMD", 1967, 1990, "historical", "Yemen People's Republic (South Yemen)")],
    730: [("COW730", 1887, 1905, "historical", "Korea (1887-1905)")],
    817: [("RVN", 1954, 1975, "historical", "Republic of Vietnam (South Vietnam)")],
}


def main() -> None:
    logging.disable(logging.WARNING)
    path = fetch(get_source("cow_states").file("cow_states.rda"))
    raw = next(iter(pyreadr.read_r(path).values()))
    g = (raw.groupby(["ccode", "stateabb", "statenme"], as_index=False)
         .agg(styear=("styear", "min"), endyear=("endyear", "max")))
    cc = coco.CountryConverter()
    rows = []
    for r in g.itertuples():
        code = int(r.ccode)
        if code in HISTORICAL:
            for iso3, y0, y1, kind, name in HISTORICAL[code]:
                rows.append((code, r.stateabb, name, iso3, y0, y1, kind))
            continue
        iso3 = cc.convert(r.statenme, to="ISO3", not_found=None)
        if not isinstance(iso3, str) or len(iso3) != 3:
            # pre-1946 German and Italian states: their COW abbreviation, to their last year
            rows.append((code, r.stateabb, r.statenme, r.stateabb, int(r.styear),
                         int(r.endyear), "historical"))
            continue
        rows.append((code, r.stateabb, r.statenme, iso3, int(r.styear), 2100, "state"))
    out = pd.DataFrame(rows, columns=["ccode", "cow_abb", "name", "iso3", "from_year",
                                      "to_year", "kind"])
    target = Path(__file__).parents[1] / "src/multivector/data/cow_states.csv"
    out.sort_values(["ccode", "from_year"]).to_csv(target, index=False)
    print(f"wrote {len(out)} rows to {target}")


if __name__ == "__main__":
    main()

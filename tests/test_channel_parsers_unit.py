"""Channel parsers (alliances, IGOs, COW trade, minerals, military expenditure) on small files
written here in the published layouts: R data through pyreadr (single frames) and rdata (lists
of frames), OWID CSVs with their datapackage.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadr
import pytest
import rdata

from multivector.core.errors import ParseError
from multivector.sources import alliances, cow, igo, owid


def _rda(path: Path, name: str, frame: pd.DataFrame) -> Path:
    pyreadr.write_rdata(str(path), frame, df_name=name)
    return path


def _frame(columns: list[str], rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([list(map(float, r)) for r in rows], columns=columns)


# --------------------------------------------------------------------------- COW trade

TRADE = cow.TRADE_DYAD_COLUMNS


def test_trade_dyads_become_directed_imports_and_minus_nine_is_missing(tmp_path):
    # USA (2) - KAZ (705), 2000: the US imported 10 from Kazakhstan; Kazakhstan's imports
    # from the US are COW's -9 (missing); smoothed: 11 and NA
    raw = pd.DataFrame({"ccode1": [2.0, 365.0], "ccode2": [705.0, 705.0],
                        "year": [2000.0, 1992.0], "flow1": [10.0, np.nan],
                        "flow2": [-9.0, 0.0], "smoothflow1": [11.0, np.nan],
                        "smoothflow2": [np.nan, 0.0]})
    got = cow.read_trade_dyads(_rda(tmp_path / "cow_trade_ndy.rda", "cow_trade_ndy", raw))
    assert list(got.columns) == ["importer", "exporter", "year", "value_usd_m", "smooth_usd_m"]
    by = got.set_index(["importer", "exporter", "year"])
    assert by.loc[("USA", "KAZ", 2000), "value_usd_m"] == 10.0
    assert by.loc[("USA", "KAZ", 2000), "smooth_usd_m"] == 11.0
    assert np.isnan(by.loc[("KAZ", "USA", 2000), "value_usd_m"])  # -9: missing, never 0
    assert np.isnan(by.loc[("KAZ", "USA", 2000), "smooth_usd_m"])
    # 365 is Russia in 1992 (the USSR's continuing state); a published 0 stays 0
    assert by.loc[("KAZ", "RUS", 1992), "value_usd_m"] == 0.0
    assert np.isnan(by.loc[("RUS", "KAZ", 1992), "value_usd_m"])
    assert len(got) == 4


def test_trade_dyads_unknown_cow_code_names_file_row_and_value(tmp_path):
    raw = _frame(TRADE, [(2, 20, 2000, 1, 1, 1, 1), (2, 999, 2000, 1, 1, 1, 1)])
    path = _rda(tmp_path / "cow_trade_ndy.rda", "cow_trade_ndy", raw)
    with pytest.raises(ParseError, match="COW code in ccode2 unknown") as err:
        cow.read_trade_dyads(path)
    assert err.value.file == str(path) and err.value.row == 2 and err.value.value == 999


def test_trade_dyads_refuse_a_directed_file(tmp_path):
    # both orders of one dyad: flow1/flow2 would count the same trade twice
    raw = _frame(TRADE, [(2, 20, 2000, 5, 6, 5, 6), (20, 2, 2000, 6, 5, 6, 5)])
    with pytest.raises(ParseError, match="expected non-directed dyads"):
        cow.read_trade_dyads(_rda(tmp_path / "t.rda", "cow_trade_ndy", raw))


def test_trade_dyads_negative_flow_that_is_not_minus_nine(tmp_path):
    raw = _frame(TRADE, [(2, 20, 2000, 5, -1, 5, 6)])
    with pytest.raises(ParseError, match="negative and not COW's missing code") as err:
        cow.read_trade_dyads(_rda(tmp_path / "t.rda", "cow_trade_ndy", raw))
    assert err.value.row == 1 and err.value.value == -1.0


def test_trade_dyads_renamed_column(tmp_path):
    raw = _frame(TRADE, [(2, 20, 2000, 5, 6, 5, 6)]).rename(columns={"flow1": "imports1"})
    with pytest.raises(ParseError, match=r"missing column\(s\) \['flow1'\]"):
        cow.read_trade_dyads(_rda(tmp_path / "t.rda", "cow_trade_ndy", raw))


def test_trade_states_unification_year_adds_the_parts(tmp_path):
    # 1990: COW lists West Germany (260) empty beside Germany (255), North Yemen (678) and
    # Yemen (679); the ISO3 state gets the sum, missing only where every part is missing
    raw = pd.DataFrame({"ccode": [255.0, 260.0, 678.0, 679.0, 705.0],
                        "year": [1990.0] * 4 + [2014.0],
                        "imports": [100.0, np.nan, 10.0, 20.0, -9.0],
                        "exports": [200.0, np.nan, np.nan, np.nan, 55.0]})
    got = cow.read_trade_states(_rda(tmp_path / "cow_trade_sy.rda", "cow_trade_sy", raw))
    by = got.set_index(["iso3", "year"])
    assert len(got) == 3
    assert by.loc[("DEU", 1990), "imports_usd_m"] == 100.0
    assert by.loc[("YEM", 1990), "imports_usd_m"] == 30.0
    assert np.isnan(by.loc[("YEM", 1990), "exports_usd_m"])
    assert np.isnan(by.loc[("KAZ", 2014), "imports_usd_m"])  # -9
    assert by.loc[("KAZ", 2014), "exports_usd_m"] == 55.0


# --------------------------------------------------------------------------- alliances

ATOP = ["ccode1", "ccode2", "year", *alliances.ATOP]
COWA = ["ccode1", "ccode2", "year", *alliances.COW]


def test_atop_directed_file_is_kept_as_published_not_doubled(tmp_path):
    # the US pledged to defend Iran in 1959; Iran's pledge to the US is consultation only.
    # KAZ (705) and RUS (365): a symmetric defence pact from 1992
    raw = _frame(ATOP, [(2, 630, 1959, 1, 0, 0, 0, 1), (630, 2, 1959, 0, 0, 0, 0, 1),
                        (705, 365, 1992, 1, 0, 0, 1, 1), (365, 705, 1992, 1, 0, 0, 1, 1)])
    got = alliances.read_atop(_rda(tmp_path / "atop_alliance.rda", "atop_alliance", raw))
    assert list(got.columns) == alliances.COLUMNS
    assert len(got) == 4
    by = got.set_index(["iso3_a", "iso3_b", "year"])
    assert by.loc[("USA", "IRN", 1959), "defense"] == 1
    assert by.loc[("IRN", "USA", 1959), "defense"] == 0
    assert by.loc[("KAZ", "RUS", 1992), ["defense", "nonaggression", "consultation"]].tolist() \
        == [1, 1, 1]
    assert (got["source"] == "atop").all()
    assert str(got["defense"].dtype) == "Int8"


def test_non_directed_alliance_file_gets_both_directions(tmp_path):
    raw = _frame(ATOP, [(365, 705, 1992, 1, 0, 0, 1, 1), (2, 20, 1950, 1, 0, 0, 1, 1)])
    got = alliances.read_atop(_rda(tmp_path / "a.rda", "atop_alliance", raw))
    assert sorted(zip(got["iso3_a"], got["iso3_b"], strict=True)) == [
        ("CAN", "USA"), ("KAZ", "RUS"), ("RUS", "KAZ"), ("USA", "CAN")]


def test_half_directed_alliance_file_is_refused_naming_the_row(tmp_path):
    # the first dyad in both orders, the second only once, in the "wrong" order
    raw = _frame(ATOP, [(2, 20, 1950, 1, 0, 0, 0, 0), (20, 2, 1950, 1, 0, 0, 0, 0),
                        (365, 2, 1950, 0, 0, 0, 1, 0)])
    with pytest.raises(ParseError, match="reverse is missing") as err:
        alliances.read_atop(_rda(tmp_path / "a.rda", "atop_alliance", raw))
    assert err.value.row == 3 and err.value.value == (365, 2, 1950)


def test_alliance_repeated_dyad_year_is_refused(tmp_path):
    raw = _frame(ATOP, [(2, 20, 1950, 1, 0, 0, 0, 0), (2, 20, 1950, 0, 0, 0, 1, 0)])
    with pytest.raises(ParseError, match="repeated dyad-year") as err:
        alliances.read_atop(_rda(tmp_path / "a.rda", "atop_alliance", raw))
    assert err.value.row == 2


def test_cow_alliance_entente_is_consultation_and_offense_missing(tmp_path):
    raw = _frame(COWA, [(705, 365, 1996, 1, 0, 1, 1), (365, 705, 1996, 1, 0, 1, 1)])
    got = alliances.read_cow_alliance(_rda(tmp_path / "cow_alliance.rda", "cow_alliance", raw))
    row = got[(got["iso3_a"] == "KAZ")].iloc[0]
    assert row["consultation"] == 1 and row["defense"] == 1 and row["neutrality"] == 0
    assert got["offense"].isna().all()  # COW does not code offence pledges: NULL, not 0
    assert (got["source"] == "cow").all()


def test_alliances_of_two_codes_of_one_state_are_combined(tmp_path):
    # 1990: West Germany (260) and Germany (255) are both DEU; the UK's defence pledge is with
    # 260, its consultation pledge with 255: DEU-GBR has both; the 255-260 "alliance" goes
    raw = _frame(COWA, [(200, 260, 1990, 1, 0, 0, 0), (260, 200, 1990, 1, 0, 0, 0),
                        (200, 255, 1990, 0, 0, 0, 1), (255, 200, 1990, 0, 0, 0, 1),
                        (255, 260, 1990, 1, 0, 1, 1), (260, 255, 1990, 1, 0, 1, 1)])
    got = alliances.read_cow_alliance(_rda(tmp_path / "c.rda", "cow_alliance", raw))
    assert len(got) == 2
    gbr = got.set_index(["iso3_a", "iso3_b"]).loc[("GBR", "DEU")]
    assert (gbr["defense"], gbr["consultation"]) == (1, 1)
    assert not (got["iso3_a"] == got["iso3_b"]).any()


def test_alliance_flag_that_is_not_zero_or_one(tmp_path):
    raw = _frame(ATOP, [(2, 20, 1950, 1, 0, 0, 0, 0), (20, 2, 1950, 2, 0, 0, 0, 0)])
    with pytest.raises(ParseError, match="atop_defense must be 0 or 1") as err:
        alliances.read_atop(_rda(tmp_path / "a.rda", "atop_alliance", raw))
    assert err.value.row == 2 and err.value.value == 2


def test_atop_renamed_column_names_what_is_missing(tmp_path):
    raw = _frame(ATOP, [(2, 20, 1950, 1, 0, 0, 0, 0)]).rename(
        columns={"atop_consul": "atop_consult"})
    with pytest.raises(ParseError, match=r"missing column\(s\) \['atop_consul'\]"):
        alliances.read_atop(_rda(tmp_path / "a.rda", "atop_alliance", raw))


def test_alliance_unknown_cow_code(tmp_path):
    raw = _frame(ATOP, [(2, 1234, 1950, 1, 0, 0, 0, 0), (1234, 2, 1950, 1, 0, 0, 0, 0)])
    with pytest.raises(ParseError, match="unknown to data/cow_states.csv") as err:
        alliances.read_atop(_rda(tmp_path / "a.rda", "atop_alliance", raw))
    assert err.value.value == 1234


# --------------------------------------------------------------------------- COW IGO

IGO_SY = igo.STATE_COLUMNS


def test_igo_states_counts(tmp_path):
    raw = _frame(IGO_SY, [(705, 2014, 55, 0, 1, 56), (365, 2014, 80, 1, 2, 83)])
    got = igo.read_igo_states(_rda(tmp_path / "cow_igo_sy.rda", "cow_igo_sy", raw))
    assert list(got.columns) == ["iso3", "year", "full_igos", "associate_igos",
                                 "observer_igos", "anytype_igos"]
    assert got.set_index("iso3").loc["KAZ"].tolist() == [2014, 55, 0, 1, 56]


@pytest.mark.parametrize("value, message", [
    (-9, "must be a count"),  # COW's missing code: peacesciencer summed it away
    (-1, "negative and not COW's missing code"),  # IGO not in existence
    (2.5, "must be a count"),
])
def test_igo_states_negative_or_fractional_count(tmp_path, value, message):
    raw = _frame(IGO_SY, [(705, 2014, 55, 0, 1, 56), (365, 2014, value, 1, 2, 83)])
    with pytest.raises(ParseError, match=message) as err:
        igo.read_igo_states(_rda(tmp_path / "s.rda", "cow_igo_sy", raw))
    assert err.value.row == 2


def test_igo_states_anytype_must_add_up(tmp_path):
    raw = _frame(IGO_SY, [(705, 2014, 55, 0, 1, 57)])
    with pytest.raises(ParseError, match="anytype is not full"):
        igo.read_igo_states(_rda(tmp_path / "s.rda", "cow_igo_sy", raw))


def test_igo_dyads_both_directions(tmp_path):
    raw = _frame(igo.DYAD_COLUMNS, [(365, 705, 2014, 47), (2, 705, 2014, 30)])
    got = igo.read_igo_dyads(_rda(tmp_path / "cow_igo_ndy.rda", "cow_igo_ndy", raw))
    assert len(got) == 4
    by = got.set_index(["iso3_a", "iso3_b", "year"])["shared_igos"]
    assert by[("KAZ", "RUS", 2014)] == by[("RUS", "KAZ", 2014)] == 47
    assert by[("KAZ", "USA", 2014)] == 30


# --------------------------------------------------------------------------- manyIOs

def _migo(**over) -> pd.DataFrame:
    rows = {
        "igoID": ["CICA", "CICA", "CSCE", "ASEAN", "ACD"],
        "stateID": ["KAZ", "RUS", "CZE", "PNG", pd.NA],
        "StateName": ["Kazakhstan", "Russia", "Czechoslovakia", "Papua New Guinea",
                      "Congo Brazzaville"],
        "membership": ["1", "1", "1", "3", "2"],
        "Year": ["1999", "1999", "1991", "1976", "2004"],
        "Begin": ["1992", "1925", "1925", "1975", "1960"],
        "End": ["2010", "2010", "1991", "2010", "2010"],
        "cowID": ["705", "365", "315", "910", "484"],
        "active": ["1"] * 5,
    }
    rows.update(over)
    return pd.DataFrame(rows, dtype="string")


def _iigo_members() -> pd.DataFrame:
    return pd.DataFrame({
        "stateID": ["KAZ", "ALG", "GIN - GNQ", pd.NA, "YUG", "ZZZ", "AUS"],
        "StateName": ["Kazakhstan", "Algeria", "Equatorial Guinea",
                      "Democratic Republic of the Congo", "Yugoslavia", "Atlantis", "Australia"],
        "igoID": ["S5", "NAM", "NAM", "NAM", "GATT", "NAM", "Bali"],
        "Title": ["Shanghai 5 Mechanism", "Non-aligned Movement", "Non-aligned Movement",
                  "Non-aligned Movement", "GATT", "Non-aligned Movement", "Bali Process"],
        "Begin": ["1996", "1961", "1961", "1961", "1947", "1961", "2002"],
        "End": ["2002", pd.NA, pd.NA, pd.NA, "1994", pd.NA, pd.NA],
        "Year": ["2017"] * 7,
    }, dtype="string")


def _memberships(path: Path, migo: pd.DataFrame | None = None,
                 iigo: pd.DataFrame | None = None) -> Path:
    cube = {"MIGO": _migo() if migo is None else migo,
            "IIGO": _iigo_members() if iigo is None else iigo}
    rdata.write_rda(str(path), {"memberships": cube})
    return path


def _organizations(path: Path) -> Path:
    digo = pd.DataFrame({"igoID": ["UN", "CMEA"], "Title": ["United Nations", "Comecon"],
                         "Begin": ["1945", "1949"], "End": ["2016", "1991"],
                         "Death": [pd.NA, "DISS"], "Living": ["1", "0"]}, dtype="string")
    iigo = pd.DataFrame({"igoID": ["S5", "NAM", "GATT", "BP", "BP", pd.NA],
                         "Title": ["Shanghai 5 Mechanism", "Non-aligned Movement", "GATT",
                                   "Budapest Process", "Bali Process", "Quint"],
                         "Begin": ["1996", "1961", "1947", "1991", "2002", "1999"],
                         "End": ["2002", pd.NA, "1994", pd.NA, pd.NA, pd.NA]}, dtype="string")
    trans = pd.DataFrame({"igoID": ["BIS"], "Year": ["1950"]}, dtype="string")
    rdata.write_rda(str(path), {"organizations": {"DIGO": digo, "IIGO": iigo,
                                                  "TRANSACCESS": trans}})
    return path


def test_manyios_memberships_map_by_cow_code_and_name(tmp_path):
    got = igo.read_manyios_memberships(_memberships(tmp_path / "memberships.rda"))
    migo = got[got["source"] == "migo"].set_index("igo")
    # status codes; cowID decides: 315 in 1991 is Czechoslovakia (CSK), whatever stateID says
    assert migo.loc["CSCE", "iso3"] == "CSK"
    assert migo.loc["ASEAN", "status"] == "observer" and migo.loc["ACD", "status"] == "associate"
    assert migo.loc["ACD", "iso3"] == "COG"  # no stateID, the COW code knows it
    assert set(migo["year"]) == {1999, 1991, 1976, 2004}
    iigo_rows = got[got["source"] == "iigo"].set_index("label")
    assert (iigo_rows["year"] == 2017).all() and (iigo_rows["status"] == "full").all()
    assert iigo_rows.loc["ALG", "iso3"] == "DZA"  # override: manyIOs' code is not ISO3
    assert iigo_rows.loc["GIN - GNQ (Equatorial Guinea)", "iso3"] == "GNQ"  # by name
    assert iigo_rows.loc["Democratic Republic of the Congo", "iso3"] == "COD"
    assert iigo_rows.loc["YUG", ["iso3", "kind"]].tolist() == ["YUG", "historical"]
    # an entity nothing resolves is reported as unmapped, not dropped nor guessed
    assert iigo_rows.loc["ZZZ (Atlantis)", "kind"] == "unmapped"
    assert pd.isna(iigo_rows.loc["ZZZ (Atlantis)", "iso3"])


def test_manyios_membership_code_outside_one_to_three(tmp_path):
    path = _memberships(tmp_path / "m.rda", migo=_migo(membership=["1", "1", "1", "9", "2"]))
    with pytest.raises(ParseError, match="membership must be 1") as err:
        igo.read_manyios_memberships(path)
    assert err.value.file.endswith("[MIGO]") and err.value.row == 4 and err.value.value == "9"


def test_manyios_year_that_is_a_date(tmp_path):
    path = _memberships(tmp_path / "m.rda",
                        migo=_migo(Year=["1999", "1999-01-01", "1991", "1976", "2004"]))
    with pytest.raises(ParseError, match="not a four-digit year") as err:
        igo.read_manyios_memberships(path)
    assert err.value.row == 2


def test_manyios_unknown_cow_code(tmp_path):
    path = _memberships(tmp_path / "m.rda", migo=_migo(cowID=["705", "365", "315", "1", "484"]))
    with pytest.raises(ParseError, match="cowID unknown") as err:
        igo.read_manyios_memberships(path)
    assert err.value.row == 4 and err.value.value == 1


def test_manyios_missing_table_and_single_frame(tmp_path):
    path = tmp_path / "m.rda"
    rdata.write_rda(str(path), {"memberships": {"MIGO": _migo()}})
    with pytest.raises(ParseError, match="no table 'IIGO'"):
        igo.read_manyios_memberships(path)
    single = _rda(tmp_path / "single.rda", "MIGO", _migo().astype(object))
    with pytest.raises(ParseError, match="not a list of data frames"):
        igo.read_manyios_memberships(single)


def test_manyios_organizations_and_informal_keys(tmp_path):
    orgs = igo.read_manyios_organizations(_organizations(tmp_path / "organizations.rda"))
    assert list(orgs.columns) == igo.IGO_COLUMNS
    digo = orgs[orgs["source"] == "digo"].set_index("igo")
    assert pd.isna(digo.loc["UN", "end"])  # Living: End 2016 is the end of observation
    assert digo.loc["CMEA", "end"] == 1991
    members = igo.read_manyios_memberships(_memberships(tmp_path / "memberships.rda"))
    keyed_members, keyed_orgs = igo.key_informal_igos(members, orgs)
    informal = keyed_orgs[keyed_orgs["source"] == "iigo"].set_index("title")["igo"]
    # BP names two organisations; the Bali Process is "Bali" in the membership table
    assert informal["Budapest Process"] == "Budapest Process"
    assert informal["Bali Process"] == "Bali Process"
    assert informal["Quint"] == "Quint" and informal["Shanghai 5 Mechanism"] == "S5"
    assert keyed_orgs.duplicated(["igo", "source"]).sum() == 0
    m_keys = set(keyed_members.loc[keyed_members["source"] == "iigo", "igo"])
    assert m_keys <= set(informal) | set(informal.values)
    assert m_keys == {"S5", "NAM", "GATT", "Bali Process"}
    assert list(keyed_members.columns) == igo.MEMBERSHIP_COLUMNS


# --------------------------------------------------------------------------- OWID

BGS_FIELDS = [("Uranium (BGS (2016))", "Uranium production in tonnes (metal content)."),
              ("Mercury (BGS (2016))", "Mercury production in kgs.")]
CLIO_FIELDS = [("Copper Production (Clio-Infra & USGS)",
                "Copper mine production (copper content) measured in thousand metric tons. "
                "Clio infra data up until 2012 and 2013 onwards uses USGS data.")]


def _package(folder: Path, fields: list[tuple[str, str | None]], description: str = "",
             display: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    spec = [{"name": "Entity", "type": "string"}, {"name": "Year", "type": "year"}]
    for name, desc in fields:
        f = {"name": name, "type": "any", "description": desc}
        if display and name in display:
            f["owidDisplaySettings"] = display[name]
        spec.append(f)
    path = folder / "datapackage.json"
    path.write_text(json.dumps({"description": description,
                                "resources": [{"schema": {"fields": spec}}]}), "utf-8")
    return path


def _csv(folder: Path, text: str) -> Path:
    path = folder / "data.csv"
    path.write_text(text, "utf-8")
    return path


def test_minerals_units_come_from_the_datapackage(tmp_path):
    pkg = _package(tmp_path, BGS_FIELDS)
    csv = _csv(tmp_path, "Entity,Year,Uranium (BGS (2016)),Mercury (BGS (2016))\n"
                         "Kazakhstan,2015,23800,\n"
                         "Czechoslovakia,1990,2000,60000\n"
                         "USSR,1990,15000,\n")
    got = owid.read_minerals(csv, pkg, "bgs")
    assert list(got.columns) == owid.MINERAL_COLUMNS
    assert len(got) == 4  # empty cells are no rows
    units = dict(zip(got["mineral"], got["unit"], strict=False))
    assert units == {"uranium": "tonnes (metal content)", "mercury": "kgs"}
    by = got.set_index(["entity", "mineral"])
    assert by.loc[("Kazakhstan", "uranium"), ["iso3", "value"]].tolist() == ["KAZ", 23800.0]
    assert by.loc[("Czechoslovakia", "uranium"), ["iso3", "kind"]].tolist() == [
        "CSK", "historical"]
    assert by.loc[("USSR", "uranium"), "iso3"] == "RUS"


def test_minerals_world_row_is_an_aggregate_and_clio_unit(tmp_path):
    pkg = _package(tmp_path, CLIO_FIELDS)
    csv = _csv(tmp_path, "Entity,Year,Copper Production (Clio-Infra & USGS)\n"
                         "World,2015,18700\nKazakhstan,2015,479\n")
    got = owid.read_minerals(csv, pkg, "clio_usgs").set_index("entity")
    assert got.loc["World", "kind"] == "aggregate" and pd.isna(got.loc["World", "iso3"])
    assert got.loc["Kazakhstan", "unit"] == "thousand metric tons"
    assert (got["mineral"] == "copper").all() and (got["source"] == "clio_usgs").all()


def test_minerals_renamed_column_names_header_and_datapackage(tmp_path):
    pkg = _package(tmp_path, BGS_FIELDS)
    csv = _csv(tmp_path, "Entity,Year,Uranium (BGS 2016),Mercury (BGS (2016))\n"
                         "Kazakhstan,2015,23800,\n")
    with pytest.raises(ParseError, match="header does not match the fields") as err:
        owid.read_minerals(csv, pkg, "bgs")
    assert err.value.row == 1 and "Uranium (BGS 2016)" in err.value.value


def test_minerals_text_in_a_value_cell(tmp_path):
    pkg = _package(tmp_path, BGS_FIELDS)
    csv = _csv(tmp_path, "Entity,Year,Uranium (BGS (2016)),Mercury (BGS (2016))\n"
                         "Kazakhstan,2014,22800,\nKazakhstan,2015,c. 23800,\n")
    with pytest.raises(ParseError, match="Uranium \\(BGS \\(2016\\)\\) is not a number") as err:
        owid.read_minerals(csv, pkg, "bgs")
    assert (err.value.row, err.value.value) == (3, "c. 23800")


def test_minerals_field_without_a_unit(tmp_path):
    pkg = _package(tmp_path, [("Uranium (BGS (2016))", "Uranium production.")])
    csv = _csv(tmp_path, "Entity,Year,Uranium (BGS (2016))\nKazakhstan,2015,23800\n")
    with pytest.raises(ParseError, match="no unit"):
        owid.read_minerals(csv, pkg, "bgs")


def test_minerals_two_entities_one_state_same_year(tmp_path):
    pkg = _package(tmp_path, CLIO_FIELDS)
    csv = _csv(tmp_path, "Entity,Year,Copper Production (Clio-Infra & USGS)\n"
                         "Korea,2014,1\nSouth Korea,2014,2\nSouth Korea,2015,3\n")
    with pytest.raises(ParseError, match="are one state \\(KOR\\)"):
        owid.read_minerals(csv, pkg, "clio_usgs")


def test_minerals_negative_production(tmp_path):
    pkg = _package(tmp_path, CLIO_FIELDS)
    csv = _csv(tmp_path, "Entity,Year,Copper Production (Clio-Infra & USGS)\nChile,2015,-5\n")
    with pytest.raises(ParseError, match="negative production") as err:
        owid.read_minerals(csv, pkg, "clio_usgs")
    assert err.value.row == 2


def _sipri_package(folder: Path, unit: str = "Constant 2019 US Dollars",
                   description: str = "expressed in constant (2019) US Dollars.") -> Path:
    display = {
        "military_expenditure": json.dumps({"unit": unit}),
        "military_expenditure_share_gdp": json.dumps({"unit": "%"}),
        "military_expenditure_per_capita": json.dumps({"unit": unit}),
    }
    return _package(folder, [(f, None) for f in owid.SIPRI_FIELDS], description, display)


SIPRI_CSV = ("Entity,Year,military_expenditure,military_expenditure_share_gdp,"
             "military_expenditure_per_capita\n"
             "Kazakhstan,2020,1751554000,1.05,92.29\nWorld,2020,1.9e12,,\n"
             "NATO members,2020,1.1e12,,\nTimor,2020,40000000,2.1,\n")


def test_sipri_basis_from_datapackage_and_aggregates_apart(tmp_path):
    got = owid.read_sipri(_csv(tmp_path, SIPRI_CSV), _sipri_package(tmp_path))
    assert list(got.columns) == owid.MILEX_COLUMNS
    assert (got["basis"] == "constant 2019 US$").all() and (got["source"] == "sipri").all()
    by = got.set_index("entity")
    assert by.loc["Kazakhstan", ["iso3", "milex_usd", "share_gdp", "per_capita"]].tolist() == [
        "KAZ", 1751554000.0, 1.05, 92.29]
    assert by.loc["World", "kind"] == by.loc["NATO members", "kind"] == "aggregate"
    assert by[["iso3"]].loc[["World", "NATO members"]].isna().all().all()
    assert by.loc["Timor", "iso3"] == "TLS"


def test_sipri_basis_that_disagrees_with_the_description(tmp_path):
    pkg = _sipri_package(tmp_path, unit="Constant 2020 US Dollars")
    with pytest.raises(ParseError, match="constant US Dollars of the year"):
        owid.read_sipri(_csv(tmp_path, SIPRI_CSV), pkg)
    pkg = _sipri_package(tmp_path, unit="Current US Dollars")
    with pytest.raises(ParseError, match="constant US Dollars of the year"):
        owid.read_sipri(_csv(tmp_path, SIPRI_CSV), pkg)


def test_milex_share_of_gdp(tmp_path):
    name = "Military expenditure as a share of GDP (OWID calculated based on NMC, COW & SIPRI)"
    pkg = _package(tmp_path, [(name, "Military expenditure as a share of GDP is calculated "
                               "by dividing total military expenditure by GDP.")],
                   display={name: {"unit": "%", "shortUnit": "%"}})
    csv = _csv(tmp_path, f'Entity,Year,"{name}"\nKazakhstan,1992,0.9\nWest Germany,1960,4.0\n'
                         "Austria-Hungary,1900,2.5\n")
    got = owid.read_milex_share(csv, pkg).set_index("entity")
    assert got.loc["West Germany", "iso3"] == "DEU" and got.loc["Austria-Hungary", "iso3"] == "AUH"
    assert got["milex_usd"].isna().all() and got["basis"].isna().all()
    assert (got["source"] == "owid_cow_sipri").all()
    assert got.loc["Kazakhstan", "share_gdp"] == 0.9

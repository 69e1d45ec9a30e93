"""State crosswalks (names, COW codes, ISO3 validation) and pole sets."""

from __future__ import annotations

import pandas as pd
import pytest

from multivector.core import poles, states
from multivector.core.errors import MultivectorError, UnknownCountryError

# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(("label", "iso3", "kind"), [
    ("China, P.R.: Mainland", "CHN", "state"),
    ("China, P.R.: Hong Kong", "HKG", "state"),
    ("Kazakhstan, Rep. of", "KAZ", "state"),
    ("Korea, Rep. of", "KOR", "state"),
    ("Korea, Dem. People's Rep. of", "PRK", "state"),
    ("Czechoslovakia", "CSK", "historical"),
    ("USSR", "RUS", "historical"),
    ("Yugoslavia", "YUG", "historical"),
    ("Belgium-Luxembourg", "BLX", "group"),
    ("World", None, "aggregate"),
    ("Euro Area", None, "aggregate"),
    ("Special Categories", None, "residual"),
    ("Countries & Areas not specified", None, "residual"),
    ("Grand Duchy of Freedonia, Rep. of", None, "unmapped"),
])
def test_resolve_imf_names(label, iso3, kind):
    got = states.resolve_names([label], "imf")
    assert got.columns.tolist() == ["label", "iso3", "kind"]
    assert len(got) == 1
    row = got.iloc[0]
    assert row["label"] == label
    assert row["kind"] == kind
    if iso3 is None:
        assert pd.isna(row["iso3"])
    else:
        assert row["iso3"] == iso3


def test_resolve_names_one_row_per_distinct_label_in_first_seen_order():
    labels = pd.Series(["World", "Korea, Rep. of", "World", None, "Czechoslovakia",
                        "Korea, Rep. of"])
    got = states.resolve_names(labels, "imf")
    assert got["label"].tolist() == ["World", "Korea, Rep. of", "Czechoslovakia"]
    assert got["iso3"].tolist()[1:] == ["KOR", "CSK"]


def test_overrides_are_per_source():
    # the IMF override maps Czechoslovakia to CSK; the World Bank namespace has no such entry
    imf = states.resolve_names(["Czechoslovakia"], "imf").iloc[0]
    assert imf["iso3"] == "CSK"
    other = states.resolve_names(["Czechoslovakia"], "wb").iloc[0]
    assert other["iso3"] != "CSK"


@pytest.mark.parametrize(("code", "iso3", "kind"), [
    ("WLD", None, "aggregate"),
    ("EUU", None, "aggregate"),
    ("KAZ", "KAZ", "state"),
    ("DEU", "DEU", "state"),
    ("ZZZ", None, "unmapped"),
])
def test_resolve_world_bank_codes(code, iso3, kind):
    row = states.resolve_names([code], "wb", by="ISO3").iloc[0]
    assert row["kind"] == kind
    assert (pd.isna(row["iso3"]) if iso3 is None else row["iso3"] == iso3)


def test_resolve_iso2():
    got = states.resolve_names(["KZ", "US"], "unvotes", by="ISO2")
    assert got["iso3"].tolist() == ["KAZ", "USA"]


# --------------------------------------------------------------------------- COW

COW_CASES = [
    (365, 1980, "RUS"),
    (345, 1980, "YUG"),
    (345, 1991, "YUG"),
    (345, 1992, "SRB"),
    (345, 2000, "SRB"),
    (260, 1980, "DEU"),
    (265, 1980, "DDR"),
    (315, 1980, "CSK"),
    (316, 2000, "CZE"),
    (705, 1995, "KAZ"),
    (369, 1950, "UKR"),  # voted at the UN from 1946, in COW's system from 1991
    (999, 2000, None),
]


@pytest.mark.parametrize(("ccode", "year", "iso3"), COW_CASES)
def test_cow_to_iso3_scalar_year(ccode, year, iso3):
    got = states.cow_to_iso3(pd.Series([ccode]), year)
    assert (pd.isna(got.iloc[0]) if iso3 is None else got.iloc[0] == iso3)


def test_cow_to_iso3_vectorised_keeps_index_and_order():
    idx = [f"r{i}" for i in range(len(COW_CASES))]
    cc = pd.Series([c for c, _, _ in COW_CASES], index=idx)
    yr = pd.Series([y for _, y, _ in COW_CASES], index=idx)
    got = states.cow_to_iso3(cc, yr)
    assert got.index.tolist() == idx
    assert [None if pd.isna(v) else v for v in got] == [i for _, _, i in COW_CASES]


def test_iso3_to_cow():
    assert states.iso3_to_cow("SRB", 2000) == 345
    assert states.iso3_to_cow("YUG", 1980) == 345
    assert states.iso3_to_cow("YUG", 2000) is None
    assert states.iso3_to_cow("KAZ", 1980) is None


# --------------------------------------------------------------------------- ISO3


@pytest.mark.parametrize("given", ["KAZ", "kaz", " kaz ", "Kazakhstan"])
def test_validate_iso3_accepts_codes_and_names(given):
    assert states.validate_iso3(given) == "KAZ"


def test_validate_iso3_knows_historical_codes():
    assert states.validate_iso3("csk") == "CSK"
    assert states.validate_iso3("YUG") == "YUG"


def test_validate_iso3_suggests_nearest():
    with pytest.raises(UnknownCountryError) as exc:
        states.validate_iso3("KAX")
    assert "KAX" in str(exc.value)
    assert "KAZ" in str(exc.value)


def test_country_name():
    assert "Kazakhstan" in states.country_name("KAZ")
    assert states.country_name("QQQ") == "QQQ"


def test_unmapped_log_counts_by_source_and_label():
    log = states.UnmappedLog()
    assert not log
    log.add("imf", pd.Series(["Atlantis", "Atlantis", "Lemuria"]))
    log.add("wb", pd.Series(["Atlantis"]))
    log.add("imf", pd.Series(["Atlantis"]))
    assert log
    assert log.counts == {("imf", "Atlantis"): 3, ("imf", "Lemuria"): 1, ("wb", "Atlantis"): 1}
    frame = log.frame()
    assert frame.columns.tolist() == ["source", "label", "rows"]
    assert frame.iloc[0].tolist() == ["imf", "Atlantis", 3]
    assert sorted(map(tuple, frame.to_numpy().tolist())) == [
        ("imf", "Atlantis", 3), ("imf", "Lemuria", 1), ("wb", "Atlantis", 1)]


# --------------------------------------------------------------------------- poles

FOUNDERS = ["BEL", "BLX", "DEU", "FRA", "ITA", "LUX", "NLD"]
EU15 = ["AUT", "BEL", "DEU", "DNK", "ESP", "FIN", "FRA", "GBR", "GRC", "IRL", "ITA", "LUX",
        "NLD", "PRT", "SWE"]


def test_core_pole_set():
    core = poles.load_pole_set("core")
    assert core.name == "core"
    assert core.ids == ["USA", "EU", "CHN", "RUS"]
    eu = core.pole("EU")
    assert eu.bloc == "EU"
    assert eu.members_in(1957) == []
    assert eu.members_in(1958) == FOUNDERS
    assert eu.members_in(1995) == sorted([*EU15, "BLX"])
    assert "HRV" in eu.members_in(2013) and "HRV" not in eu.members_in(2012)
    assert "GBR" in eu.members_in(2019)
    assert "GBR" not in eu.members_in(2020)
    assert len(eu.members_in(2020)) == len(eu.members_in(2019)) - 1
    assert core.pole("USA").members_in(1800) == ["USA"]
    with pytest.raises(MultivectorError, match="no pole 'XYZ'"):
        core.pole("XYZ")


def test_gcc_membership():
    assert poles.bloc_members("GCC", 1980) == []
    assert poles.bloc_members("GCC", 1981) == ["ARE", "BHR", "KWT", "OMN", "QAT", "SAU"]
    with pytest.raises(MultivectorError, match="unknown bloc"):
        poles.bloc_members("NATO", 2000)


def test_wide_extends_core():
    core = poles.load_pole_set("core")
    wide = poles.load_pole_set("wide")
    assert len(wide.poles) == 9
    assert wide.ids[:4] == core.ids
    assert set(wide.ids) == {"USA", "EU", "CHN", "RUS", "TUR", "GCC", "JPN", "KOR", "IND"}
    assert wide.pole("GCC").members_in(1980) == []
    assert len(wide.pole("GCC").members_in(1981)) == 6
    assert wide.pole("EU").members_in(1995) == core.pole("EU").members_in(1995)


def test_members_and_membership_frames():
    core = poles.load_pole_set("core")
    m = core.members(1958)
    assert m.columns.tolist() == ["pole", "iso3"]
    assert sorted(m.loc[m.pole == "EU", "iso3"]) == FOUNDERS
    assert len(m) == 3 + len(FOUNDERS)
    ms = core.membership(range(2019, 2021))
    assert ms.columns.tolist() == ["pole", "iso3", "year"]
    gbr = ms[(ms.iso3 == "GBR")]
    assert gbr["year"].tolist() == [2019]
    iv = core.intervals()
    assert (iv.pole_set == "core").all()
    gbr_iv = iv[(iv.pole == "EU") & (iv.iso3 == "GBR")].iloc[0]
    assert (gbr_iv.year_from, gbr_iv.year_to) == (1973, 2019)


def test_packaged_pole_sets():
    assert {"core", "wide"} <= set(poles.packaged_pole_sets())


def _write(tmp_path, text, name="mine.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_user_pole_set_with_year_ranges(tmp_path):
    p = _write(tmp_path, """
name = "central-asia"
description = "test"

[[pole]]
id = "CA"
label = "Central Asia"
members = [{iso3 = "KAZ", from = 1995, to = 2000}, "UZB", {iso3 = "kgz", from = 1999}]

[[pole]]
id = "GULF"
bloc = "GCC"
""")
    ps = poles.load_pole_set(p)
    assert ps.name == "central-asia"
    assert ps.ids == ["CA", "GULF"]
    ca = ps.pole("CA")
    assert ca.label == "Central Asia"
    assert ca.members_in(1994) == ["UZB"]
    assert ca.members_in(1995) == ["KAZ", "UZB"]
    assert ca.members_in(1999) == ["KAZ", "KGZ", "UZB"]
    assert ca.members_in(2000) == ["KAZ", "KGZ", "UZB"]
    assert ca.members_in(2001) == ["KGZ", "UZB"]
    assert ps.pole("GULF").label == "GULF"
    assert ps.pole("GULF").members_in(1990) == poles.bloc_members("GCC", 1990)
    # also as a string path
    assert poles.load_pole_set(str(p)).ids == ["CA", "GULF"]


def test_user_pole_set_extending_core(tmp_path):
    p = _write(tmp_path, 'name = "x"\nextends = "core"\n')
    assert poles.load_pole_set(p).ids == ["USA", "EU", "CHN", "RUS"]


@pytest.mark.parametrize(("body", "words"), [
    ('name = "x"\n[[pole]]\nid = "A"\nbloc = "ASEAN"\n', ["unknown bloc", "ASEAN"]),
    ('name = "x"\n[[pole]]\nlabel = "no id"\nmembers = ["USA"]\n', ["pole 1 has no id"]),
    ('name = "x"\n[[pole]]\nid = "A"\nmembers = ["USA"]\n[[pole]]\nid = "A"\n'
     'members = ["CHN"]\n', ["duplicate"]),
    ('name = "x"\nextends = "core"\n[[pole]]\nid = "USA"\nmembers = ["USA"]\n',
     ["duplicate"]),
    ('name = "x"\n[[pole]]\nid = "A"\nlabel = "nothing"\n', ["needs members or bloc"]),
    ('name = "x"\n[[pole]]\nid = "A"\nmembers = [1995]\n', ["member 1"]),
    ('name = "x"\n', ["no [[pole]] tables"]),
    ('name = "x"\n[[pole]\n', ["not valid TOML"]),
])
def test_bad_user_pole_sets_name_the_file(tmp_path, body, words):
    p = _write(tmp_path, body, "bad_poles.toml")
    with pytest.raises(MultivectorError) as exc:
        poles.load_pole_set(p)
    msg = str(exc.value)
    assert str(p) in msg
    for w in words:
        assert w in msg


def test_members_must_be_a_list(tmp_path):
    p = _write(tmp_path, 'name = "x"\n[[pole]]\nid = "A"\nmembers = "USA"\n', "str.toml")
    with pytest.raises(MultivectorError) as exc:
        poles.load_pole_set(p)
    assert str(p) in str(exc.value)


def test_pole_table_instead_of_array(tmp_path):
    p = _write(tmp_path, 'name = "x"\n[pole]\nid = "A"\nmembers = ["USA"]\n', "table.toml")
    with pytest.raises(MultivectorError) as exc:
        poles.load_pole_set(p)
    assert str(p) in str(exc.value)


def test_unknown_pole_set_name(tmp_path):
    with pytest.raises(MultivectorError, match="unknown pole set"):
        poles.load_pole_set("nonexistent")
    with pytest.raises(MultivectorError, match="unknown pole set"):
        poles.load_pole_set(tmp_path / "absent.toml")


def test_user_pole_set_without_name_takes_the_file_stem(tmp_path):
    p = _write(tmp_path, '[[pole]]\nid = "A"\nmembers = ["USA"]\n[[pole]]\nid = "B"\n'
               'members = ["CHN"]\n', "my_poles.toml")  # two poles: one is refused
    ps = poles.load_pole_set(p)
    assert ps.name == "my_poles"
    assert ps.members(2000)["iso3"].tolist() == ["USA", "CHN"]

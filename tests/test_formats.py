"""The formats table: validation of the packaged and users' tables, the 31-December rule on partial
dates, and facts an area expert would check first."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from multivector.core.errors import DataTableError, MultivectorError
from multivector.sources import formats

FIX = Path(__file__).resolve().parent / "fixtures" / "formats"
PACKAGED = Path(formats.__file__).resolve().parents[1] / "data" / formats.PACKAGED_FILE


@pytest.fixture(scope="module")
def years() -> pd.DataFrame:
    """The packaged table as state-years, 1991 to the last year it was reviewed for."""
    return formats.membership(range(1991, 2031))


def held(m: pd.DataFrame, fmt: str, iso3: str) -> dict[int, str]:
    """{year: status} of one state in one format."""
    sub = m[(m.format == fmt) & (m.iso3 == iso3)]
    return dict(zip(sub.year, sub.status, strict=True))


# --------------------------------------------------------------------------- the packaged table


def test_packaged_table_validates_and_has_the_documented_columns():
    t = formats.load_formats()
    assert tuple(t.columns) == formats.COLUMNS
    assert len(t) > 100
    # the formats the issue asks for are all there
    assert {"EAEU", "CSTO", "SCO", "CIS", "OTS", "CICA", "BRICS", "C5+1", "C+C5",
            "EU-C5"} <= set(t.format)


def test_packaged_table_every_row_has_an_http_source_and_known_vocabulary():
    t = formats.load_formats()
    assert t.source_url.str.fullmatch(r"https?://\S+").all()
    assert (t.source_title.str.len() > 10).all()
    assert set(t.status) <= set(formats.STATUSES)
    assert set(t.kind) <= set(formats.KINDS)
    assert t.groupby("format")[["format_name", "kind"]].nunique().eq(1).all().all()


def test_packaged_file_is_plain_csv_with_ten_fields_on_every_line():
    with PACKAGED.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(formats.COLUMNS)
    assert {len(r) for r in rows} == {10}


def test_last_reviewed_is_a_date_and_caps_open_spells(years):
    assert date.fromisoformat(formats.LAST_REVIEWED).year >= 2026
    assert formats.known_through("2026-11-25") == 2025
    assert formats.known_through("2026-12-31") == 2026
    assert years.year.max() == formats.known_through()
    later = formats.membership([2030], open_until=2030)
    assert "KAZ" in set(later[later.format == "EAEU"].iso3)


def test_load_formats_returns_a_copy():
    t = formats.load_formats()
    t.loc[:, "iso3"] = "XXX"
    assert "XXX" not in set(formats.load_formats().iso3)


# --------------------------------------------------------------------------- facts


def test_kazakhstan_eaeu_from_2015(years):
    kaz = held(years, "EAEU", "KAZ")
    assert min(kaz) == 2015
    assert set(kaz.values()) == {"member"}


def test_kazakhstan_csto_sco_cis_ots(years):
    csto, sco, cis, ots = (held(years, f, "KAZ") for f in ("CSTO", "SCO", "CIS", "OTS"))
    assert min(csto) == 1994 and 2022 in csto           # the Treaty in force 20 April 1994
    assert min(sco) == 2001                             # founding member, 15 June 2001
    assert min(cis) == 1991                             # Alma-Ata, 21 December 1991
    assert min(ots) == 2009                             # Nakhchivan Agreement, 3 October 2009
    for spell in (csto, sco, cis, ots):
        assert set(spell.values()) == {"member"}
        assert max(spell) == formats.known_through()
        assert sorted(spell) == list(range(min(spell), max(spell) + 1))   # no gaps


def test_uzbekistan_csto_two_spells_and_left_in_2012(years):
    uzb = held(years, "CSTO", "UZB")
    assert sorted(uzb) == [*range(1994, 1999), *range(2006, 2012)]
    assert 2012 not in uzb and 1999 not in uzb


def test_iran_sco_member_from_2023_and_brics_from_2024(years):
    sco = held(years, "SCO", "IRN")
    assert sco[2022] == "observer" and sco[2023] == "member"
    assert min(sco) == 2005
    brics = held(years, "BRICS", "IRN")
    assert min(brics) == 2024 and brics[2024] == "member"


def test_georgia_not_in_cis_after_2008(years):
    geo = held(years, "CIS", "GEO")
    assert sorted(geo) == list(range(1993, 2009))
    cis_2009 = set(years[(years.format == "CIS") & (years.year == 2009)].iso3)
    assert "GEO" not in cis_2009 and "KAZ" in cis_2009


def test_cis_ukraine_and_turkmenistan_are_not_members_in_the_charter_sense(years):
    ukr = held(years, "CIS", "UKR")
    assert set(ukr.values()) == {"participant"} and max(ukr) == 2017
    tkm = held(years, "CIS", "TKM")
    assert tkm[2004] == "participant" and tkm[2005] == "associate member"


def test_armenia_csto_participation_frozen_from_2024(years):
    arm = held(years, "CSTO", "ARM")
    assert arm[2023] == "member" and arm[2024] == "participation frozen"


def test_brics_enlargements(years):
    b = years[years.format == "BRICS"]
    members = {y: set(b[(b.year == y) & (b.status == "member")].iso3) for y in (2023, 2024, 2025)}
    assert members[2023] == {"BRA", "RUS", "IND", "CHN", "ZAF"}
    assert members[2024] - members[2023] == {"EGY", "ETH", "IRN", "ARE"}
    assert members[2025] - members[2024] == {"IDN"}
    assert "SAU" not in set(b.iso3) and "ARG" not in set(b.iso3)   # never confirmed / declined
    assert held(years, "BRICS", "KAZ") == {2025: "partner"}


def test_sco_enlargement_and_observers(years):
    assert held(years, "SCO", "BLR")[2024] == "member"
    assert held(years, "SCO", "IND")[2016] == "observer"
    assert held(years, "SCO", "IND")[2017] == "member"


def test_ots_observers(years):
    assert set(held(years, "OTS", "HUN").values()) == {"observer"}
    assert min(held(years, "OTS", "HUN")) == 2018
    assert min(held(years, "OTS", "TKM")) == 2021
    assert min(held(years, "OTS", "UZB")) == 2019


def test_central_asia_summit_formats_include_all_five(years):
    c5 = {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    y = years[years.year == 2023]
    for fmt, plus in [("C5+1", "USA"), ("C+C5", "CHN"), ("RU-C5", "RUS"), ("GCC-C5", "SAU")]:
        assert c5 | {plus} <= set(y[y.format == fmt].iso3), fmt
    assert set(y[y.format == "EU-C5"].iso3) == c5     # the EU itself has no row


# --------------------------------------------------------------------------- the 31-December rule


@pytest.mark.parametrize(("iso3", "expected"), [
    ("KAZ", [2015, 2016, 2017]),      # from 2015-08: member on 31 December 2015
    ("KGZ", [2010, 2011]),            # 2010 to 2012: out by 31 December 2012
    ("TJK", [2012, 2013, 2014, 2015, 2016, 2017]),   # from 2012-12-31: counts in 2012
    ("UZB", [2000]),                  # 2000-01-01 to 2001-01-01
    ("TKM", [2011, 2012]),            # ends 2013-12-31: not a member that day
    ("MNG", []),                      # in and out within 2019
])
def test_thirty_first_december_rule_on_partial_dates(iso3, expected):
    t = formats.read_formats_csv(FIX / "partial_dates.csv")
    m = formats.membership(range(2000, 2018), t)
    assert m[m.iso3 == iso3].year.tolist() == expected


@pytest.mark.parametrize(("from_date", "to_date", "expected"), [
    ("2015-08", None, (2015, None)),
    ("2015", "2020", (2015, 2019)),
    ("1993-12", "2009-08-18", (1993, 2008)),
    ("2019-03", "2019-11", (2019, 2018)),
    ("2012-12-31", "", (2012, None)),
])
def test_spell_years(from_date, to_date, expected):
    assert formats.spell_years(from_date, to_date) == expected


def test_membership_takes_any_years_and_returns_sorted_columns():
    m = formats.membership([2020, 2010])
    assert m.columns.tolist() == ["format", "iso3", "year", "status"]
    assert set(m.year) == {2010, 2020}
    assert m.equals(m.sort_values(["format", "iso3", "year"], ignore_index=True))
    assert formats.membership([]).empty


def test_touching_spells_are_not_overlaps():
    t = formats.read_formats_csv(FIX / "touching_spells_partial_dates.csv")
    m = formats.membership(range(2004, 2019), t, open_until=2018)
    ind = dict(zip(m[m.iso3 == "IND"].year, m[m.iso3 == "IND"].status, strict=True))
    assert ind[2016] == "observer" and ind[2017] == "member"
    tkm = m[m.iso3 == "TKM"]
    assert tkm.groupby("year").size().max() == 1


def test_partial_date_comparison():
    p = formats.PartialDate.parse
    assert p("2012").compare(p("2012-06-01")) == 0
    assert p("2012-07").compare(p("2012-06-15")) == 1
    assert str(p("2015-08")) == "2015-08"
    assert p("2015-08-06").precision == 3


# --------------------------------------------------------------------------- errors


BAD = [
    # file, row, value, words in the message
    ("overlap_uzbekistan_csto_exit_not_closed.csv", 4, "2006-08-16", "overlaps the spell in row 3"),
    ("overlap_observer_ends_after_membership_starts.csv", 2, "2017-06-09",
     "overlaps the spell in row 3"),
    ("bad_iso3_name_instead_of_code.csv", 3, "Kazakhstan", "did you mean 'KAZ'"),
    ("bad_iso3_lower_case.csv", 2, "kaz", "did you mean 'KAZ'"),
    ("bad_iso3_unknown_code.csv", 3, "TRNC", "not a known ISO3 code"),
    ("missing_source_url.csv", 2, "", "source_url is empty"),
    ("missing_source_title.csv", 2, "", "source_title is empty"),
    ("source_url_without_scheme.csv", 2, "en.kremlin.ru/catalog/glossary/38", "http(s) address"),
    ("to_date_before_from_date.csv", 3, "1993-12", "to_date must come after from_date"),
    ("to_date_same_day_as_from_date.csv", 2, "2012-12-19", "to_date must come after from_date"),
    ("partial_to_date_before_partial_from_date.csv", 2, "2015-07-31",
     "to_date must come after from_date"),
    ("partial_date_month_13.csv", 2, "2015-13", "no month 13"),
    ("date_february_30.csv", 2, "2015-02-30", "no such day"),
    ("date_written_day_first.csv", 2, "18.08.2009", "YYYY-MM-DD"),
    ("unknown_status_full_member.csv", 2, "full member", "unknown status"),
    ("unknown_kind.csv", 2, "military alliance", "unknown kind"),
    ("one_format_two_names.csv", 3, "Turkic Council (treaty organisation)",
     "one format has one name"),
    ("missing_note_column.csv", 1, None, "missing column(s) note"),
]


@pytest.mark.parametrize(("name", "row", "value", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_tables_raise_naming_file_row_and_value(name, row, value, words):
    with pytest.raises(DataTableError) as info:
        formats.read_formats_csv(FIX / name)
    err = info.value
    assert isinstance(err, MultivectorError)
    assert err.file == str(FIX / name)
    assert err.row == row
    assert err.value == value
    assert words in str(err)
    assert f"row {row}" in str(err)
    if value:
        assert repr(value) in str(err)


@pytest.mark.parametrize("name", [b[0] for b in BAD[:5]])
def test_bad_user_file_is_rejected_by_load_formats(name):
    with pytest.raises(DataTableError, match=re.escape(name)):
        formats.load_formats(FIX / name)


def test_unreadable_or_missing_file():
    with pytest.raises(DataTableError, match="not a readable CSV"):
        formats.read_formats_csv(FIX / "unclosed_quote.csv")
    with pytest.raises(DataTableError, match="no such file"):
        formats.read_formats_csv(FIX / "does_not_exist.csv")


def test_empty_table(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_text(",".join(formats.COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(DataTableError, match="no rows"):
        formats.read_formats_csv(p)


def test_membership_validates_a_table_it_is_given():
    t = formats.load_formats()
    t.loc[0, "status"] = "founder"
    with pytest.raises(DataTableError, match="unknown status"):
        formats.membership([2000], t)


# --------------------------------------------------------------------------- users' rows


def test_user_file_replaces_formats_it_names_and_adds_new_ones():
    own = FIX / "user_override_and_extension.csv"
    t = formats.load_formats(own)
    packaged = formats.load_formats()
    brics = t[t.format == "BRICS"]
    assert brics.iso3.tolist() == ["SAU"]                       # the user's BRICS, not ours
    assert set(t[t.format == "C5+DE"].iso3) == {"DEU", "KAZ"}   # a format we lack
    untouched = t[~t.format.isin(["BRICS", "C5+DE"])].reset_index(drop=True)
    assert untouched.equals(packaged[packaged.format != "BRICS"].reset_index(drop=True))
    m = formats.membership([2024], t)
    assert ("BRICS", "SAU") in set(zip(m.format, m.iso3, strict=True))


def test_user_file_alone_with_replace():
    t = formats.load_formats(FIX / "user_override_and_extension.csv", replace=True)
    assert set(t.format) == {"BRICS", "C5+DE"}

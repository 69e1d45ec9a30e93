"""Issue 11, user input: every bad input gives a clear error (the message, exit status 1) and
changes nothing on disk; the Python API raises the project's errors with the same words.

One case per pain point, named after it; the pole-set fixtures are in ``fixtures/poles``.
None of these needs the data: the checks run before the warehouse is touched.
"""

from __future__ import annotations

import errno
import math
import pathlib
import time

import pandas as pd
import pytest

from multivector.analysis import profile
from multivector.analysis.alignment import UngaOptions
from multivector.analysis.idealpoints import IdealPointSettings
from multivector.analysis.options import BalanceOptions
from multivector.core import poles, states, validate
from multivector.core.errors import OptionError, PoleFileError, UnknownCountryError

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"
POLES = FIXTURES / "poles"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _error(res) -> str:
    """The one error line of a failed command, without the ``error:`` prefix."""
    assert res.exit_code == 1, res.output
    assert res.stdout == "", res.stdout
    text = _flat(res.stderr)
    assert text.startswith("error: "), text
    return text.removeprefix("error: ")


# --- 8: numbers ------------------------------------------------------------------------------
NUMBERS = {
    "weights_inf_drops_composite": (
        ["balance", "KAZ", "--weights", "unga=inf"],
        "--weights: unga must be a finite number from 0 to 1,000,000 (a weight), got inf"),
    "weights_nan": (
        ["balance", "KAZ", "--weights", "unga=nan,exports=1"],
        "--weights: unga must be a finite number from 0 to 1,000,000 (a weight), got nan"),
    "pillar_5_index_145": (
        ["power", "--pillar", "5"],
        "--pillar must be a finite number from 0 to 1 (the weight of the position pillar; "
        "reach gets 1 - it), got 5.0"),
    "min_channels_negative": (
        ["balance", "KAZ", "--min-channels", "-3"],
        "--min-channels must be a whole number from 1 to 6 (the fewest channels with data for a "
        "composite), got -3"),
    "rank_min_channels_seven": (
        ["rank", "--min-channels", "7"],
        "--min-channels must be a whole number from 1 to 6 (the fewest channels with data for a "
        "composite), got 7"),
    "boot_negative": (
        ["balance", "KAZ", "--boot", "-1"],
        "--boot must be a whole number from 0 to 20,000 (bootstrap resamples; 0: no interval), "
        "got -1"),
    "rw_scale_negative": (
        ["idealpoints", "--rw-scale", "-1"],
        "--rw-scale must be a finite number above 0 and at most 10 (the random-walk step of the "
        "ideal points, sd per session), got -1.0"),
    "rw_scale_zero_traceback": (
        ["idealpoints", "--rw-scale", "0"],
        "--rw-scale must be a finite number above 0 and at most 10 (the random-walk step of the "
        "ideal points, sd per session), got 0.0"),
    "level_5_traceback": (
        ["alignment", "KAZ", "--level", "5"],
        "--level must be a finite number strictly between 0 and 1 (the coverage of an "
        "interval), got 5.0"),
    "n_boot_negative_traceback": (
        ["idealpoints", "--n-boot", "-5"],
        "--n-boot must be a whole number from 0 to 20,000 (bootstrap resamples; 0: no "
        "interval), got -5"),
    "seed_negative": (
        ["alignment", "KAZ", "--seed", "-1"],
        "--seed must be a whole number from 0 to 4,294,967,295 (the seed of the random draws), "
        "got -1"),
    "draws_negative": (
        ["sensitivity", "--draws", "-2"],
        "--draws must be a whole number from 0 to 20,000 (random weightings; 0: none), got -2"),
    "power_year_3000": (
        ["power", "--year", "3000"],
        "--year must be a whole number from 1,946 to 2,100 (a calendar year), got 3000"),
    "all_weights_zero": (
        ["rank", "--weights", "unga=0,exports=0"],
        "--weights: at least one channel needs a positive weight"),
}


@pytest.mark.parametrize("case", NUMBERS, ids=list(NUMBERS))
def test_numbers_refused_on_the_command_line(cli_clean, case):
    args, message = NUMBERS[case]
    assert _error(cli_clean(args)) == message


API_NUMBERS = {
    # (options class, field, bad value, the CLI case giving the same words)
    "level": (UngaOptions, "level", 5.0, "level_5_traceback", "--level"),
    "unga_boot": (UngaOptions, "n_boot", -1, "boot_negative", "--boot"),
    "balance_boot": (BalanceOptions, "n_boot", -1, "boot_negative", "--boot"),
    "min_channels": (BalanceOptions, "min_channels", -3, "min_channels_negative",
                     "--min-channels"),
    "rw_scale": (IdealPointSettings, "rw_scale", 0.0, "rw_scale_zero_traceback", "--rw-scale"),
    "n_boot": (IdealPointSettings, "n_boot", -5, "n_boot_negative_traceback", "--n-boot"),
}


@pytest.mark.parametrize("case", API_NUMBERS, ids=list(API_NUMBERS))
def test_options_dataclasses_use_the_cli_words(cli_clean, case):
    cls, field, value, cli_case, flag = API_NUMBERS[case]
    with pytest.raises(OptionError) as exc:
        cls(**{field: value})
    cli_message = _error(cli_clean(NUMBERS[cli_case][0]))
    assert flag + str(exc.value).removeprefix(field) == cli_message


def test_balance_options_refuse_infinite_weight_and_unknown_channel():
    with pytest.raises(OptionError, match=r"^weights: unga must be a finite number from 0 to "
                                          r"1,000,000 \(a weight\), got inf$"):
        BalanceOptions(weights=(("unga", math.inf),))
    with pytest.raises(OptionError, match=r"^channels must be a non-empty tuple of unga, "):
        BalanceOptions(channels=("trade",))
    with pytest.raises(OptionError, match=r"^min_channels must be a whole number from 1 to 2 "):
        BalanceOptions(channels=("unga", "exports"), min_channels=3)
    with pytest.raises(OptionError, match=r"^measure must be one of split, agreement, "):
        UngaOptions(measure="agremeent")


def test_defaults_and_edges_still_accepted():
    assert BalanceOptions().min_channels == 3
    assert UngaOptions(level=0.5, n_boot=0).n_boot == 0
    assert IdealPointSettings(rw_scale=10).key != "default"
    assert validate.number(True is False or 1, "min_channels") == 1
    with pytest.raises(OptionError):
        validate.number(True, "n_boot")  # a bool is not a count
    with pytest.raises(OptionError):
        validate.number(10**400, "n_boot")  # too large for a float: refused, no OverflowError


# --- 7: pole files ---------------------------------------------------------------------------
POLE_FILES = {
    "unknown_member_xxx": ("pole 'EAST': member 'XXX' is not an ISO3 code multivector knows; "
                           "nearest matches:"),
    "name_as_code": ("pole 'CA': member 'Kazakhstan' is not an ISO3 code multivector knows; "
                     "did you mean KAZ?"),
    "overlapping_poles": ("pole 'DEU': DEU is a member of both pole 'EU' and pole 'DEU' "
                          "(2000-2010); a state may belong to one pole at a time, or it counts "
                          "twice"),
    "empty_pole": "pole 'NOBODY': has no members: give members = [\"ISO3\", ...] or a bloc",
    "extends_itself": "extends itself, directly or through",
    "zero_poles": "a pole set needs at least two poles to balance between, has 0",
    "one_pole": "a pole set needs at least two poles to balance between, has 1",
}


@pytest.mark.parametrize("name", POLE_FILES, ids=list(POLE_FILES))
def test_pole_file_refused(cli_clean, name):
    path = POLES / f"{name}.toml"
    message = _error(cli_clean(["poles", "show", path, "--year", "2005"], POLES))
    assert message.startswith(f"{path}, " if "pole '" in POLE_FILES[name] else f"{path}")
    assert POLE_FILES[name] in message
    with pytest.raises(PoleFileError) as exc:  # the API: the same error, the same words
        poles.load_pole_set(path)
    assert _flat(str(exc.value)) == message


def test_pole_file_with_focal_member_is_kept_with_a_note():
    ps = poles.load_pole_set(POLES / "focal_member.toml")
    assert ps.ids == ["USA", "CA", "CHN"]
    assert ps.focal_note("KAZ", (2000, 2001)) == (
        "KAZ is a member of pole 'CA' in 2000-2001 of pole set 'focal_member': a state is not "
        "measured against itself, so it is left out of its own pole.")
    assert ps.focal_note("TUR", (2000, 2001)) is None
    core = poles.load_pole_set("core")
    assert "pole 'USA' in 2020 (alone: that pole has no value, flagged self)" in core.focal_note(
        "USA", (2020, 2020))


def test_packaged_sets_pass_the_checks():
    assert poles.load_pole_set("wide").ids == ["USA", "EU", "CHN", "RUS", "TUR", "GCC", "JPN",
                                               "KOR", "IND"]


# --- 12: names -------------------------------------------------------------------------------
def test_free_text_containing_a_name_is_refused(cli_clean):
    message = _error(cli_clean(["balance", "not a country at all but Kazakhstan"]))
    assert message == ("unknown country code or name 'not a country at all but Kazakhstan'; "
                       "nearest matches: Kazakhstan (KAZ)")


def test_very_long_country_refused_at_once(cli_clean):
    start = time.perf_counter()
    message = _error(cli_clean(["balance", "Kazakhstan" * 10_000]))
    assert time.perf_counter() - start < 5
    assert message == ("not a country code or name: 100,000 characters (at most 100), starting "
                       "'KazakhstanKazakhstan'")


@pytest.mark.parametrize("text, iso3", [
    ("KAZ", "KAZ"), ("kz", "KAZ"), ("Kazakhstan", "KAZ"), ("Republic of Kazakhstan", "KAZ"),
    ("kazakh", "KAZ"), ("Korea, Rep.", "KOR"), ("North Korea", "PRK"), ("U.S.A.", "USA"),
    ("Viet Nam", "VNM"), ("Côte d'Ivoire", "CIV"), ("Yugoslavia", "YUG"), ("Türkiye", "TUR"),
])
def test_names_people_write_still_resolve(text, iso3):
    assert states.validate_iso3(text) == iso3


@pytest.mark.parametrize("value", [5, None, ["KAZ"], 3.0])
def test_api_state_not_text(value):
    with pytest.raises(UnknownCountryError, match="a country must be an ISO3 code or a name, "
                                                  "as text; got "):
        states.validate_iso3(value)


# --- 11: API misuse --------------------------------------------------------------------------
@pytest.mark.parametrize("value, message", [
    ((), "years must be a pair (first, last) of years such as (1992, 2024), got ()"),
    ((2000, 1990), "years: 1990 is before 2000 (give (first, last))"),
    ("1992-2024", "years must be a pair (first, last) of years such as (1992, 2024), "
                  "got '1992-2024'"),
    ((1992.5, 2000), "years: a year must be a whole number from 1,946 to 2,100 (a calendar "
                     "year), got 1992.5"),
])
def test_api_years_checked(value, message):
    with pytest.raises(OptionError) as exc:
        validate.years(value)
    assert str(exc.value) == message


def test_api_pole_set_as_list():
    with pytest.raises(OptionError, match=r"^a pole set must be core, wide, a path to a TOML "
                                          r"file or a PoleSet; got list \['USA', 'CHN'\]$"):
        poles.load_pole_set(["USA", "CHN"])


# --- 9: --out --------------------------------------------------------------------------------
def test_out_full_disk_keeps_the_old_file(cli_clean, monkeypatch):
    out = pathlib.Path("members.csv")
    out.write_text("old content\n")
    real = pathlib.Path.write_text

    def half_then_full(self, data, *a, **k):
        real(self, data[: len(data) // 2], *a, **k)
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(pathlib.Path, "write_text", half_then_full)
        res = cli_clean(["poles", "show", "core", "--format", "csv", "--out", out])
    assert _error(res) == "cannot write 'members.csv': No space left on device"
    assert out.read_text() == "old content\n"
    assert sorted(p.name for p in pathlib.Path(".").iterdir()) == ["members.csv"]


def test_out_written_whole(cli_clean, tmp_path):
    out = tmp_path / "members.csv"
    res = cli_clean(["poles", "show", "core", "--year", "2020", "--format", "csv", "--out", out])
    assert res.exit_code == 0
    frame = pd.read_csv(out)
    assert set(frame["pole"]) == {"USA", "EU", "CHN", "RUS"}
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.parametrize("target, message", [
    ("a_file.txt/x.csv", "--out: cannot write 'a_file.txt/x.csv': 'a_file.txt' is not a "
                         "folder"),
    ("a_file.txt/sub/x.csv", "--out: cannot write 'a_file.txt/sub/x.csv': 'a_file.txt' is not "
                             "a folder"),
    (".", "--out: '.' is a folder; give a file name"),
])
def test_out_unwritable_refused_first(cli_clean, target, message):
    pathlib.Path("a_file.txt").write_text("in the way\n")
    assert _error(cli_clean(["poles", "show", "core", "--out", target])) == message


def test_out_into_a_new_folder(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from multivector.cli import app

    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["poles", "show", "wide", "-f", "json", "-o", "new/dir/p.json"])
    assert res.exit_code == 0, res.output
    assert set(pd.read_json(tmp_path / "new" / "dir" / "p.json")["pole"]) >= {"GCC", "IND"}
    assert [p.name for p in (tmp_path / "new" / "dir").iterdir()] == ["p.json"]


def test_claims_check_refuses_the_out_path_before_computing(cli_clean):
    example = pathlib.Path(__file__).resolve().parents[1] / "examples" / "claims"
    claims_file = sorted(example.glob("*.yaml"))[0]
    pathlib.Path("a_file.txt").write_text("in the way\n")
    # no warehouse and no mirror: the path is refused before anything is pulled or computed
    res = cli_clean(["claims", "check", claims_file, "--out", "a_file.txt/out.json"])
    assert _error(res) == ("--out: cannot write 'a_file.txt/out.json': 'a_file.txt' is not a "
                           "folder")


@pytest.mark.parametrize("years, message", [
    ((2000, 1990), "years: 1990 is before 2000 (give (first, last))"),
    ((), "years must be a pair (first, last) of years such as (1992, 2024), got ()"),
])
def test_build_profile_checks_years_before_reading(years, message):
    with pytest.raises(OptionError) as exc:  # no connection is needed to refuse them
        profile.build_profile(None, "KAZ", years)
    assert str(exc.value) == message


@pytest.mark.parametrize("state", [5, None])
def test_build_profile_state_not_text(state):
    with pytest.raises(UnknownCountryError, match="a country must be an ISO3 code or a name"):
        profile.build_profile(None, state)


def test_build_profile_poles_as_list():
    with pytest.raises(OptionError, match="a pole set must be core, wide"):
        profile.build_profile(None, "KAZ", (2000, 2001), ["USA", "CHN"])

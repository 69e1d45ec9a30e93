"""Issue 11, the habit: whatever a user types, a clear error or a valid answer, never a
traceback. Hypothesis fuzzes the CLI's options, country names, and the claims and pole-set
parsers; each property runs in a few seconds and touches no data (the CLI stops where the
data would be read).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from multivector.analysis.claims import check as claims
from multivector.core import poles, states, validate
from multivector.core.errors import MultivectorError

FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

numbers = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                    st.integers(-10**30, 10**30))
words = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
option_text = st.one_of(numbers.map(str), words, st.sampled_from(["", "-", "1e400", "nan",
                                                                   "-0", "0x10", "1_000"]))


# --- the validation layer itself --------------------------------------------------------------
@FAST
@given(rule=st.sampled_from(sorted(validate.RULES)), value=st.one_of(numbers, st.booleans(),
                                                                      st.none(), words))
def test_number_rule_returns_a_value_inside_or_refuses(rule, value):
    r = validate.RULES[rule]
    try:
        got = validate.number(value, rule)
    except MultivectorError as exc:
        assert str(exc).startswith(f"{rule} must be ")
        return
    assert math.isfinite(got) and r.ok(float(got))
    assert not r.integer or float(got).is_integer()


@FAST
@given(value=st.one_of(st.tuples(numbers, numbers), st.lists(numbers, max_size=3), words,
                       st.none()))
def test_years_pair_or_refused(value):
    try:
        y0, y1 = validate.years(value)
    except MultivectorError:
        return
    assert validate.YEARS[0] <= y0 <= y1 <= validate.YEARS[1]


# --- names -----------------------------------------------------------------------------------
@FAST
@given(text=st.one_of(words, st.text(max_size=300), st.sampled_from(
    ["Kazakhstan", "kaz", "Korea", "U.S.", "Côte d'Ivoire", "Kazakhstan!!", "  USA  "])))
def test_country_text_resolves_to_a_known_code_or_is_refused(text):
    try:
        iso3 = states.validate_iso3(text)
    except MultivectorError as exc:
        assert str(exc).startswith(("unknown country code or name", "not a country code",
                                    "a country must be"))
        return
    assert iso3 in set(states.iso3_table().iso3)


# --- the command line ------------------------------------------------------------------------
COMMANDS = {
    "balance": (["balance", "KAZ"], ["--min-channels", "--boot", "--weights", "--years"]),
    "alignment": (["alignment", "KAZ"], ["--level", "--boot", "--seed", "--years"]),
    "idealpoints": (["idealpoints"], ["--rw-scale", "--n-boot", "--years", "--fit-sessions"]),
    "power": (["power"], ["--year", "--pillar", "--draws", "--weights"]),
    "rank": (["rank"], ["--year", "--min-channels", "--draws", "--weights"]),
    "sensitivity": (["sensitivity"], ["--draws", "--seed", "--years"]),
    "trade": (["trade"], ["--years"]),
    "shares": (["shares", "KAZ"], ["--years"]),
}


@pytest.fixture
def stop_at_the_data(monkeypatch):
    """The warehouse is where valid input goes next: stop there with a known error."""
    from multivector import warehouse
    from multivector.analysis import ingest

    def stop(*a, **k):
        raise MultivectorError("reached the data")

    monkeypatch.setattr(ingest, "ensure", stop)
    monkeypatch.setattr(warehouse, "exists", lambda *a, **k: True)
    monkeypatch.setattr(warehouse, "connect", stop)


@FAST
@given(command=st.sampled_from(sorted(COMMANDS)), data=st.data())
def test_cli_options_give_a_clear_error_or_reach_the_data(stop_at_the_data, command, data):
    from typer.testing import CliRunner

    from multivector.cli import app

    base, options = COMMANDS[command]
    args = list(base)
    if command == "trade":
        args.append(data.draw(st.one_of(words, st.sampled_from(["KAZ", "Kazakhstan"]))))
    for opt in data.draw(st.lists(st.sampled_from(options), min_size=1, max_size=3,
                                  unique=True)):
        args += [opt, data.draw(option_text)]
    res = CliRunner().invoke(app, args)
    assert res.exception is None or isinstance(res.exception, SystemExit), (args, res.output)
    assert "Traceback" not in res.output
    if res.exit_code == 1:
        err = " ".join(res.stderr.split())
        assert err.startswith("error: ") and err.count("error: ") == 1, (args, err)
    else:  # 2: typer's usage error for text that is not a number
        assert res.exit_code == 2, (args, res.output)


# --- the claims parser -----------------------------------------------------------------------
scalars = st.one_of(st.none(), st.booleans(), numbers, words, st.integers(-10**500, 10**500))
json_like = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(words, st.sampled_from(
        ["id", "text", "country", "checks", "measure", "indicator", "year", "years", "stated",
         "ratio", "rank", "tolerance", "source", "claims"])), inner, max_size=5)), max_leaves=20)

VALID_CHECK = {"indicator": "ny.gdp.pcap.cd", "year": 2020, "stated": 9100}


@FAST
@given(raw=json_like)
def test_claims_parser_on_any_structure(raw):
    try:
        parsed = claims.parse_claims(raw, "fuzz.yaml")
    except claims.ClaimsFileError as exc:
        assert str(exc).startswith("fuzz.yaml")
        return
    assert parsed.claims


@FAST
@given(key=st.sampled_from(sorted(VALID_CHECK) + ["tolerance", "rank", "years", "ratio"]),
       value=json_like)
def test_claims_parser_one_bad_field(key, value):
    check = {**VALID_CHECK, key: value}
    raw = {"source": "fuzz", "claims": [{"id": "c", "text": "t", "country": "KAZ",
                                         "checks": [check]}]}
    try:
        parsed = claims.parse_claims(raw, "fuzz.yaml")
    except claims.ClaimsFileError as exc:
        assert str(exc).startswith("fuzz.yaml")
        return
    c = parsed.claims[0].checks[0]
    assert all(math.isfinite(v) for v in (c.stated, c.tolerance))


@FAST
@given(text=st.one_of(st.text(max_size=400), st.binary(max_size=200).map(
    lambda b: b.decode("latin-1"))))
def test_claims_loader_on_any_text(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("claims") / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        claims.load_claims(path)
    except claims.ClaimsFileError as exc:
        assert str(exc).startswith(str(path))


# --- the pole-set parser ---------------------------------------------------------------------
member = st.one_of(st.sampled_from(["USA", "CHN", "RUS", "KAZ", "XXX", "Kazakhstan", ""]), words,
                   numbers, st.fixed_dictionaries({"iso3": st.sampled_from(["DEU", "FRA", "?"])},
                                                  optional={"from": numbers, "to": numbers}))
pole = st.fixed_dictionaries({}, optional={
    "id": st.one_of(st.sampled_from(["A", "B", "USA", "EU"]), words, numbers),
    "label": st.one_of(words, numbers), "members": st.one_of(st.lists(member, max_size=4),
                                                            member),
    "bloc": st.one_of(st.sampled_from(["EU", "GCC", "ASEAN"]), numbers)})
pole_set = st.fixed_dictionaries({}, optional={
    "name": st.one_of(words, numbers), "description": words,
    "extends": st.one_of(st.sampled_from(["core", "wide", "nowhere.toml"]), numbers),
    "pole": st.one_of(st.lists(pole, max_size=4), pole, numbers), "extra": words})


@FAST
@given(raw=pole_set)
def test_pole_parser_on_any_table(raw):
    try:
        ps = poles._parse_pole_set(raw, "fuzz.toml")
    except MultivectorError as exc:
        assert str(exc).startswith(("fuzz.toml", "poles/", "unknown pole set"))
        return
    assert len(ps.poles) >= 2
    for y in (1950, 2000, 2024):  # no state in two poles
        m = ps.members(y)
        assert not m["iso3"].duplicated().any()

"""One channel set per series and per ranking (issue 10): property tests on constructed panels.

The panels are synthetic shares by pole, built here; they test the rules, not the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from multivector.measures import balance as bal
from multivector.measures import channelset
from multivector.measures.decomposition import decompose

POLES = ["USA", "EU", "CHN", "RUS"]
REST = "Rest of world"


def _panel(states: list[str], years: range, channels: list[str], seed: int = 0,
           with_rest: bool = True) -> pd.DataFrame:
    """Random shares by pole (and the rest of the world) for every state, year and channel."""
    rng = np.random.default_rng(seed)
    rows = []
    for iso3 in states:
        for y in years:
            for ch in channels:
                v = rng.dirichlet(np.ones(len(POLES) + 1))
                for pole, s in zip([*POLES, REST], v, strict=True):
                    if pole == REST and not with_rest:
                        continue
                    rows.append((iso3, y, ch, pole, float(s), ""))
    return pd.DataFrame(rows, columns=["iso3", "year", "channel", "pole", "share", "flag"])


def _composite(b: pd.DataFrame, iso3: str) -> pd.Series:
    c = b[(b["channel"] == "composite") & (b["iso3"] == iso3)]
    return c.set_index("year")["evenness"].sort_index()


def test_a_channel_ending_cannot_move_the_headline_series():
    base = _panel(["AAA"], range(2000, 2021), ["unga", "exports", "imports"], seed=1)
    extra = _panel(["AAA"], range(2000, 2011), ["security"], seed=2)  # ends in 2010
    without = _composite(bal.balance(base, span=(2000, 2020)), "AAA")
    with_ = bal.balance(pd.concat([base, extra]), span=(2000, 2020))
    assert with_.attrs["sets"]["AAA"].channels == ("unga", "exports", "imports")
    pd.testing.assert_series_equal(_composite(with_, "AAA"), without)
    # the channel is still reported beside the composite, in its own rows
    assert set(with_.loc[with_["channel"] == "security", "year"]) == set(range(2000, 2011))


def test_a_channel_starting_late_stays_out_unless_its_run_is_longest():
    base = _panel(["AAA"], range(2000, 2021), ["unga", "exports"], seed=3)
    imports = _panel(["AAA"], range(2000, 2021), ["imports"], seed=4)
    formats = _panel(["AAA"], range(2015, 2021), ["formats"], seed=5)
    b = bal.balance(pd.concat([base, imports, formats]), span=(2000, 2020))
    cs = b.attrs["sets"]["AAA"]
    assert cs.channels == ("unga", "exports", "imports")
    assert cs.run == (2000, 2020)
    assert "formats" in cs.reason
    comp = b[b["channel"] == "composite"]
    assert comp["channels"].nunique() == 1
    assert (comp["n_channels"] == 3).all()


def test_ties_in_run_length_go_to_the_larger_set():
    p = _panel(["AAA"], range(2000, 2011), ["unga", "exports", "imports", "security"], seed=6)
    cs = bal.series_sets(p, (2000, 2010))["AAA"]
    assert cs.channels == ("unga", "exports", "imports", "security")


def test_longest_unbroken_run_wins_over_more_channels():
    four = _panel(["AAA"], range(2000, 2006), ["unga", "exports", "imports", "security"])
    three = _panel(["AAA"], range(2006, 2021), ["unga", "exports", "imports"], seed=7)
    cs = bal.series_sets(pd.concat([four, three]), (2000, 2020))["AAA"]
    assert cs.channels == ("unga", "exports", "imports")
    assert cs.run == (2000, 2020)


def test_a_pole_without_value_makes_the_channel_year_absent_not_three_pole():
    p = _panel(["AAA"], range(2000, 2011), ["unga", "exports", "imports"], seed=8)
    gap = (p["channel"] == "exports") & (p["year"] == 2003) & (p["pole"] == "RUS")
    p.loc[gap, ["share", "flag"]] = [np.nan, "not reported"]
    b = bal.balance(p, span=(2000, 2010))
    rows = b[(b["channel"] == "exports")]
    assert 2003 not in set(rows["year"])
    assert (rows["n_poles"] == 4).all()
    comp = b[b["channel"] == "composite"]
    assert 2003 not in set(comp["year"])  # the composite needs every channel of its set
    # the headline run is the longest unbroken one: 2004-2010, not 2000-2002
    assert b.attrs["sets"]["AAA"].run == (2004, 2010)


def test_the_focal_state_as_its_own_pole_is_not_a_missing_pole():
    p = _panel(["RUS"], range(2000, 2006), ["unga", "exports", "imports"], seed=9)
    own = p["pole"] == "RUS"
    p.loc[own, ["share", "flag"]] = [np.nan, "self"]
    b = bal.balance(p, span=(2000, 2005))
    comp = b[b["channel"] == "composite"]
    assert len(comp) == 6
    assert (comp["n_poles"] == 3).all()


def test_a_ranking_never_mixes_channel_sets():
    states = [f"S{i:02d}" for i in range(20)]
    p = _panel(states, range(2010, 2011), ["unga", "exports", "imports"], seed=10)
    sec = _panel(states[:15], range(2010, 2011), ["security"], seed=11)  # 75%: left out
    igo = _panel(states[:19], range(2010, 2011), ["igo"], seed=12)  # 95%: kept
    out, missing, sets = bal.ranking_balance(pd.concat([p, sec, igo]))
    assert sets[2010] == ("unga", "exports", "imports", "igo")
    comp = out[out["channel"] == "composite"]
    assert comp["channels"].nunique() == 1
    assert set(comp["iso3"]) == set(states[:19])
    assert list(missing["iso3"]) == ["S19"]
    assert missing["reason"].iloc[0] == "no data: igo"


def test_ranking_is_unchanged_when_an_extra_state_lacks_a_channel():
    states = [f"S{i:02d}" for i in range(10)]
    p = _panel(states, range(2015, 2016), ["unga", "exports", "imports"], seed=13)
    lone = _panel(["ZZZ"], range(2015, 2016), ["unga", "exports"], seed=14)
    a, _, _ = bal.ranking_balance(p, min_states=5)
    b, missing, _ = bal.ranking_balance(pd.concat([p, lone]), min_states=5)
    ca = a[a["channel"] == "composite"].set_index("iso3")["evenness"].sort_index()
    cb = b[b["channel"] == "composite"].set_index("iso3")["evenness"].sort_index()
    pd.testing.assert_series_equal(ca, cb)
    assert missing.set_index("iso3").loc["ZZZ", "reason"] == "no data: imports"


def test_chosen_channels_fix_the_set():
    p = _panel(["AAA"], range(2000, 2011), ["unga", "exports", "imports", "security"], seed=15)
    b = bal.balance(p, span=(2000, 2010), channels=("unga", "security", "exports"))
    comp = b[b["channel"] == "composite"]
    assert set(comp["channels"]) == {"unga,security,exports"}


def test_decomposition_runs_over_the_set_only():
    base = _panel(["AAA"], range(2000, 2021), ["unga", "exports", "imports"], seed=16)
    extra = _panel(["AAA"], range(2000, 2011), ["security"], seed=17)
    sh = pd.concat([base, extra])
    d = decompose(sh, "AAA", 2000, 2020)
    assert set(d["channel"]) == {"unga", "exports", "imports"}
    assert abs(d.attrs["residual"]) < 1e-12
    comp = _composite(bal.balance(sh, span=(2000, 2020)), "AAA")
    assert d.attrs["change"] == pytest.approx(comp[2020] - comp[2000])
    with pytest.raises(ValueError, match="security: no data"):
        decompose(sh, "AAA", 2000, 2020, channels=("unga", "exports", "security"))


def test_poles_share_says_of_what():
    p = _panel(["AAA"], range(2000, 2003), ["exports", "imports", "unga"], seed=18)
    b = bal.balance(p, span=(2000, 2002))
    ex = b[(b["channel"] == "exports") & (b["year"] == 2000)].iloc[0]
    rest = p[(p["channel"] == "exports") & (p["year"] == 2000) & (p["pole"] == REST)]
    assert ex["poles_share"] == pytest.approx(1 - rest["share"].iloc[0])
    comp = b[(b["channel"] == "composite") & (b["year"] == 2000)].iloc[0]
    chans = b[(b["channel"] != "composite") & (b["year"] == 2000)]
    assert comp["poles_share"] == pytest.approx(chans["poles_share"].mean())
    s = bal.with_pole_share(p)
    one = s[(s["channel"] == "exports") & (s["year"] == 2000) & (s["pole"] != REST)]
    assert one["pole_share"].sum() == pytest.approx(1.0)
    assert s.loc[s["pole"] == REST, "pole_share"].isna().all()


def test_complete_channels_needs_a_positive_pole_share():
    p = _panel(["AAA"], range(2000, 2001), ["security"], seed=19)
    p.loc[p["pole"] != REST, "share"] = 0.0
    assert channelset.complete_channels(p).empty


def test_series_set_reports_when_nothing_covers_the_span():
    p = _panel(["AAA"], range(2000, 2003), ["unga", "exports"], seed=20)
    cs = bal.series_sets(p, (2000, 2002))["AAA"]
    assert cs.channels == () and cs.run is None
    assert "no 3 channels" in cs.reason


def test_too_few_states_make_no_ranking():
    few = _panel(["AAA", "BBB", "CCC"], range(2023, 2024), ["unga", "exports", "imports"],
                 seed=21)
    out, missing, sets = bal.ranking_balance(few)
    assert sets[2023] == ()
    assert (out["channel"] != "composite").all()
    assert len(bal.ranking_balance(few, min_states=3)[2][2023]) == 3

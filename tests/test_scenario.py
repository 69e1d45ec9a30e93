"""What-if transforms (pure functions on small frames) and scenario files."""

import math

import pandas as pd
import pytest

from multivector.analysis import whatif
from multivector.core.errors import MultivectorError
from multivector.measures import balance as bal
from multivector.measures import scenario as tf


def _shares() -> pd.DataFrame:
    rows = []
    for ch, vals in {"exports": [0.3, 0.2, 0.1, 0.1, 0.3], "imports": [0.1, 0.2, 0.3, 0.3, 0.1],
                     "unga": [0.25, 0.25, 0.25, 0.25, None]}.items():
        for pole, v in zip(["USA", "EU", "CHN", "RUS", "Rest of world"], vals, strict=True):
            if v is not None:
                rows.append(("KAZ", 2020, ch, pole, v))
    rows.append(("UZB", 2020, "exports", "RUS", 0.5))
    rows.append(("UZB", 2020, "exports", "CHN", 0.5))
    return pd.DataFrame(rows, columns=["iso3", "year", "channel", "pole", "share"])


def _group_sums(f: pd.DataFrame) -> pd.Series:
    return f.groupby(["iso3", "year", "channel"])["share"].sum()


def test_scale_keeps_sums_and_moves_only_the_pole_relative_to_others():
    base = _shares()
    out = tf.scale(base, "exports", "EU", 0.5, "KAZ")
    pd.testing.assert_series_equal(_group_sums(out), _group_sums(base))
    k = out[(out["iso3"] == "KAZ") & (out["channel"] == "exports")].set_index("pole")["share"]
    # the EU halves against every other partner: 0.1/0.9 of the new total, the USA 0.3/0.9
    assert k["EU"] == pytest.approx(0.1 / 0.9)
    assert k["USA"] == pytest.approx(0.3 / 0.9)
    # other channels and other states are untouched
    pd.testing.assert_frame_equal(out[out["channel"] != "exports"], base[base["channel"]
                                                                         != "exports"])
    assert out[out["iso3"] == "UZB"]["share"].tolist() == [0.5, 0.5]


def test_drop_sets_the_pole_to_zero_and_lowers_an_even_channels_evenness():
    base = _shares()
    out = tf.apply(base, [{"op": "drop", "channel": "unga", "pole": "RUS"}], "KAZ")
    u = out[(out["iso3"] == "KAZ") & (out["channel"] == "unga")].set_index("pole")["share"]
    assert u["RUS"] == 0 and u[["USA", "EU", "CHN"]].tolist() == pytest.approx([1 / 3] * 3)
    ev0 = bal.channel_balance(base[base["channel"] == "unga"])["evenness"].iloc[0]
    ev1 = bal.channel_balance(out[out["channel"] == "unga"])["evenness"].iloc[0]
    assert ev0 == pytest.approx(1.0)
    assert ev1 == pytest.approx(math.log(3) / math.log(4))


def test_add_share_gives_the_new_partner_its_share_of_the_new_total():
    base = _shares()
    out = tf.add_share(base, "exports", "CHN", 0.2, "KAZ")
    k = out[(out["iso3"] == "KAZ") & (out["channel"] == "exports")].set_index("pole")["share"]
    assert k["CHN"] == pytest.approx(0.8 * 0.1 + 0.2)
    assert k["USA"] == pytest.approx(0.8 * 0.3)
    assert k.sum() == pytest.approx(1.0)


def test_every_channel_with_star_and_bad_steps_refused():
    base = _shares()
    out = tf.scale(base, "*", "USA", 0.0, "KAZ")
    assert (out[(out["iso3"] == "KAZ") & (out["pole"] == "USA")]["share"] == 0).all()
    with pytest.raises(MultivectorError, match="pole 'XXX'"):
        tf.scale(base, "exports", "XXX", 0.5)
    with pytest.raises(MultivectorError, match="factor"):
        tf.scale(base, "exports", "EU", -1)
    with pytest.raises(MultivectorError, match="share must lie"):
        tf.add_share(base, "exports", "EU", 1.5)
    with pytest.raises(MultivectorError, match="op must be"):
        tf.apply(base, [{"op": "explode", "pole": "EU"}])


def test_consortium_evenness_rises_with_each_different_pole():
    poles = ["USA", "EU", "CHN", "RUS"]
    one = tf.consortium([("fuel", "RUS"), ("reactor", "RUS"), ("financing", "RUS")], poles)
    assert one["evenness"].tolist() == [0.0, 0.0, 0.0]
    mixed = tf.consortium([("fuel", "RUS"), ("reactor", "USA"), ("financing", "CHN")], poles)
    assert mixed["evenness"].tolist() == pytest.approx(
        [0.0, math.log(2) / math.log(4), math.log(3) / math.log(4)])
    with pytest.raises(MultivectorError, match="unknown pole"):
        tf.consortium([("fuel", "JPN")], poles)


def test_scenario_file_round_trip_and_refusals():
    sc = whatif.check({"state": "Kazakhstan", "years": [2000, 2020], "year": 2015,
                       "steps": [{"op": "scale", "channel": "exports", "pole": "EU",
                                  "factor": 0.8}], "weights": {"unga": 2}})
    assert sc.state == "KAZ"
    for fmt in ("yaml", "json"):
        assert whatif.parse(whatif.dump(sc, fmt)) == sc
    bad = [({"state": "KAZ", "years": [2020, 2000]}, "before"),
           ({"state": "XYZ"}, "XYZ"),
           ({"state": "KAZ", "poles": "../../etc/passwd"}, "poles must be"),
           ({"state": "KAZ", "steps": [{"op": "scale", "pole": "EU", "factor": "x"}]},
            "factor must be a number"),
           ({"state": "KAZ", "steps": [{"op": "drop", "pole": "EU", "channel": "gold"}]},
            "channel must be"),
           ({"state": "KAZ", "extra": 1}, "unknown field")]
    for raw, msg in bad:
        with pytest.raises(MultivectorError, match=msg):
            whatif.check(raw)
    with pytest.raises(MultivectorError, match="not valid YAML"):
        whatif.parse("state: [KAZ\nyears: {")
    with pytest.raises(MultivectorError, match="mapping"):
        whatif.parse("- just a list")


def test_whatif_cli_saves_a_file_that_reproduces_it(warehouse_env, tmp_path):
    from typer.testing import CliRunner

    from multivector.cli import app

    out = tmp_path / "s.yaml"
    runner = CliRunner()
    first = runner.invoke(app, ["whatif", "KAZ", "--step", "drop:RUS@imports", "--years",
                                "2012-2015", "--year", "2015", "--save", str(out)])
    assert first.exit_code == 0, first.output
    assert whatif.parse(out.read_text()).steps == [{"op": "drop", "channel": "imports",
                                                    "pole": "RUS"}]
    again = runner.invoke(app, ["whatif", "--scenario", str(out)])
    assert again.exit_code == 0, again.output
    table = lambda text: text.split("wrote the scenario")[0].strip()  # noqa: E731
    assert table(again.output) == table(first.output)
    assert "baseline" in first.output and "scenario" in first.output

"""The focal state against every state: its sensitivity, its middle-power index, and its peers'
power and balance, read from the stored results where they serve the request
(:mod:`multivector.analysis.options`), computed afresh otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from multivector.analysis import options
from multivector.analysis.alignment import UngaOptions
from multivector.analysis.options import BalanceOptions
from multivector.analysis.panel.power import power_components
from multivector.analysis.panel.shares import all_shares
from multivector.core import poles as poles_mod
from multivector.core.peers import PeerSet
from multivector.core.vocabulary import COMPOSITE
from multivector.measures import balance as bal
from multivector.measures import power as pw


@dataclass
class Comparison:
    """What :func:`compare` found (empty frames where there is nothing)."""

    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    sensitivity_factors: pd.DataFrame = field(default_factory=pd.DataFrame)
    power: pd.DataFrame = field(default_factory=pd.DataFrame)  # the focal state's
    power_components: pd.DataFrame = field(default_factory=pd.DataFrame)
    peers_power: pd.DataFrame = field(default_factory=pd.DataFrame)
    peers_balance: pd.DataFrame = field(default_factory=pd.DataFrame)


def compare(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
            pole_set: poles_mod.PoleSet, peers: PeerSet | None, unga: UngaOptions,
            balance_options: BalanceOptions) -> Comparison:
    """Sensitivity, power and peers of ``iso3`` over ``years``.

    The sensitivity run and the middle-power index are those stored at build (they take no
    choice of the request's; the power index is computed afresh from the warehouse when the
    stored one is missing or out of date). The peers' composite balance is the stored series
    where :func:`multivector.analysis.options.serves_balance` says it serves the request's
    pole set, UNGA choices (measure and vote subset), balance choices and years; otherwise it
    is computed for the focal state and its peers.
    """
    sens = options.stored(con, "derived_sensitivity", "sensitivity", "WHERE iso3 = ?", [iso3])
    factors = options.stored(con, "derived_sensitivity_factors", "sensitivity",
                             "WHERE iso3 = ?", [iso3])
    power = options.stored(con, "derived_power", "power")
    pcomp = options.stored(con, "derived_power_components", "power", "WHERE iso3 = ?", [iso3])
    if power is None:
        allcomp = power_components(con, years)
        power = pw.power_index(allcomp)
        pcomp = allcomp[allcomp["iso3"] == iso3]
    members = list(peers.members) if peers is not None else []
    focal_power = power[power["iso3"] == iso3].sort_values("year").reset_index(drop=True)
    focal_power = focal_power[focal_power["year"].between(*years)]
    peers_power = power[power["iso3"].isin({iso3, *members})]
    peers_power = peers_power[peers_power["year"].between(*years)].reset_index(drop=True)
    peers_balance = pd.DataFrame()
    stored = (options.stored(con, "derived_balance", "balance",
                             "WHERE pole_set = ? AND channel = 'composite'", [pole_set.name])
              if options.serves_balance(pole_set.name, unga.channel(), balance_options, years)
              else None)
    if stored is not None:
        peers_balance = stored[stored["iso3"].isin({iso3, *members})
                               & stored["year"].between(*years)].reset_index(drop=True)
    elif members:
        bo = balance_options
        psh = all_shares(con, pole_set, years, sorted({iso3, *members}), bo.channels,
                         unga.channel(), security_arms=bo.security_arms)
        b = bal.balance(psh, bo.weight_dict(), bo.min_channels, span=years,
                        channels=bo.channel_set)
        peers_balance = b[b["channel"] == COMPOSITE].reset_index(drop=True)
    return Comparison(sens if sens is not None else pd.DataFrame(),
                      factors if factors is not None else pd.DataFrame(),
                      focal_power, pcomp if pcomp is not None else pd.DataFrame(),
                      peers_power, peers_balance)

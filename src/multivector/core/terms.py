"""What the columns of the command line's tables mean, in words an analyst without the paper
at hand can read: used in the ``--help`` of the commands and as the caption of their tables.

One definition per column name, so the help and the caption cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable

TERMS: dict[str, str] = {
    "evenness": "Pielou's J = H / ln n, H = -Σ s·ln s the Shannon entropy of the poles' shares "
                "s (n poles): 1 when every pole has the same share, 0 when one pole takes all",
    "hhi_norm": "normalised Herfindahl-Hirschman index, (Σ s² - 1/n) / (1 - 1/n): 0 for equal "
                "shares, 1 when one pole takes all (a concentration, the opposite of evenness)",
    "dominant_pole": "the pole with the largest share",
    "dominant_share": "that pole's share (0-1)",
    "margin": "lead of the dominant pole over the second: its share minus the second-largest "
              "share (0 = a tie)",
    "lo": "low end of the interval around evenness (UNGA: 95% bootstrap over roll calls; "
          "trade: the evenness from the reporter's figures or from its partners', whichever "
          "is lower; composite: both together)",
    "hi": "high end of that interval",
    "n_poles": "poles with a share",
    "n_channels": "channels in the composite's channel set (the same in every year of a "
                  "series, and for every state of a ranking)",
    "channels": "which channels they are",
    "poles_share": "the poles' combined share of the state's engagement in the channel (of "
                   "all partners; composite: weighted mean over its channels): what the "
                   "balance among the poles is a balance of",
    "pole_share": "the pole's share of the poles' total (what the balance is computed on); "
                  "empty for the rest of the world and where a pole has no value",
    "reason": "why a state is not ranked: the channel of the ranking set it has no data for",
    "clr": "centred log-ratio, ln s - mean of ln s over the poles: 0 = the geometric-mean "
           "pole (balance), above 0 more than that, below less",
    "share": "share of the state's engagement in the channel, of all partners (the poles and "
             "the rest of the world; 0-1)",
    "value": "the channel's raw measure (trade: US$ m; unga: affinity; alliances: strongest "
             "obligation; igo, formats: number shared; events: cooperative events)",
    "flag": "how the value was obtained ('not reported': no value, not a zero; 'mirror N%': "
            "share taken from partners' reports; 'discrepant N%': the two reports differ by "
            "over 25%)",
    "share0": "the pole's weighted share in the first year",
    "share1": "the pole's weighted share in the last year",
    "contribution": "the channel × pole's part of the change of composite evenness "
                    "(integrated gradients; the parts add up to the change)",
    "rank": "place among all states measured on the year's ranking channel set, by evenness "
            "(1 = most even; empty: not ranked, see reason)",
    "n_states": "states ranked",
    "rank_in_peers": "place among the peers (1 = most even)",
    "evenness_min": "composite evenness over every analysis choice (pole set, UNGA measure, "
                    "vote subset, random weights): lowest",
    "evenness_p05": "its 5th percentile",
    "evenness_median": "its median",
    "evenness_p95": "its 95th percentile",
    "evenness_max": "its highest",
    "rank_min": "rank over every choice: best",
    "rank_p05": "its 5th percentile",
    "rank_median": "its median",
    "rank_p95": "its 95th percentile",
    "rank_max": "its worst",
    "n_runs": "analyses run (scenarios × weightings)",
    "factor": "the choice varied alone, the others at their defaults",
    "evenness_range": "how far the composite evenness moves over that choice's options "
                      "(largest minus smallest)",
    "rank_range": "how many places the rank moves over them",
    "levels": "options of the choice",
}


def explain(columns: Iterable[str]) -> str:
    """``name: meaning`` for every column with a definition, in the columns' order, one a
    line."""
    return "\n".join(f"{c}: {TERMS[c]}" for c in dict.fromkeys(map(str, columns))
                     if c in TERMS)


def command_help(summary: str, columns: Iterable[str]) -> str:
    """A command's ``--help``: its summary, then the meaning of its columns, one a line."""
    text = explain(columns)
    return f"{summary}\n\nColumns:\n{text}" if text else summary


BALANCE_HELP = command_help(
    "How evenly a state's engagement spreads over the poles, per channel and composite. The "
    "composite is on one channel set in every year: by default the set of at least "
    "--min-channels channels with the longest unbroken run of years with data (--channels "
    "chooses it); a channel-year lacking a pole's value has no balance. "
    "--tilt shows each pole's share and centred log-ratio instead; --change 2000-2020 splits "
    "the change of the composite into contributions of channels and poles.",
    ["evenness", "hhi_norm", "dominant_pole", "dominant_share", "margin", "lo", "hi",
     "poles_share", "n_channels", "channels", "clr", "share0", "share1", "contribution"])
SHARES_HELP = command_help(
    "A state's engagement by pole per year in one channel: value, share of all partners and "
    "share of the poles' total. Shares sum to one over the poles and the rest of the world; "
    "'self' flags the pole that is the state itself.",
    ["value", "share", "pole_share", "flag"])
RANK_HELP = command_help(
    "Every state ranked by the evenness of its composite balance in a year (1: most even). "
    "Every ranked state is measured on the same channel set: the largest set of at least "
    "--min-channels channels that still ranks 90% of the states the best-covered set ranks "
    "(--channels chooses it); a state lacking one is listed last, not ranked, with the reason.",
    ["evenness", "rank", "n_states", "dominant_pole", "dominant_share", "margin",
     "poles_share", "channels", "reason", "rank_in_peers", "rank_min", "rank_p05", "rank_median",
     "rank_p95", "rank_max"])
SENSITIVITY_HELP = command_help(
    "How much the composite balance and the rank depend on the analyst's choices: pole set "
    "(core, wide), UNGA measure (agreement, kappa, ideal-point distance), vote subset (all, "
    "important, no amendments), security channel (alliance weights by obligation or flat; "
    "arms suppliers mixed in at half weight, or alone) and random channel weights, for every "
    "state and year. "
    "--factors varies one choice at a time and lists the choices by effect, largest first.",
    ["evenness", "rank", "evenness_min", "evenness_p05", "evenness_median", "evenness_p95",
     "evenness_max", "rank_min", "rank_max", "n_runs", "n_states", "factor",
     "evenness_range", "rank_range", "levels"])

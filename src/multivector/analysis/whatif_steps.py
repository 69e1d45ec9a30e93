"""Scenario steps: one checked (:func:`check_step`), one read from ``--step`` text
(:func:`parse_step`) and one in words (:func:`describe`).

A step acts on a POLE (``pole: EU``; ``--step 'scale:EU@exports=0.8'``) or on ONE PARTNER
(``partner: ITA``; ``--step 'scale:partner=ITA@exports=0.5'``): a bare name is always a pole,
a partner is always written ``partner``, so Korea the state (``partner=KOR``) is never taken
for the pole KOR of the wide set (``KOR``); a bare name that is a state but not a pole of the
set is refused with the ``partner=`` form to write instead. A partner step acts only on a
channel whose pole values are sums of partner figures
(:data:`multivector.measures.scenario.PARTNER_CHANNELS`).
"""

from __future__ import annotations

from multivector.core import poles as poles_mod
from multivector.core import states
from multivector.core.errors import MultivectorError
from multivector.core.vocabulary import BALANCE_CHANNELS, EXTRA_CHANNELS, REST
from multivector.measures import scenario as tf

OPS = ("drop", "scale", "add")
STEP_CHANNELS = (*BALANCE_CHANNELS, *EXTRA_CHANNELS)
"""The channels a step may name: the composite's, and arms and investment (shown beside the
composite, never in it: a step on them changes their own balance row, not the composite)."""


def check_step(s: object, i: int, state: str, ps: poles_mod.PoleSet) -> dict:
    """One checked step: a pole, or a partner (an ISO3 code or name, never the state itself)."""
    if not isinstance(s, dict):
        raise MultivectorError(f"scenario step {i}: expected a mapping")
    op, channel, pole, partner = s.get("op"), s.get("channel", "*"), s.get("pole"), \
        s.get("partner")
    if op not in OPS:
        raise MultivectorError(f"scenario step {i}: op must be {', '.join(OPS)}, got {op!r}")
    if channel != "*" and channel not in STEP_CHANNELS:
        raise MultivectorError(f"scenario step {i}: channel must be * or one of "
                               f"{', '.join(STEP_CHANNELS)}, got {channel!r}")
    if partner is not None:
        if pole is not None:
            raise MultivectorError(f"scenario step {i}: give a pole or a partner, not both "
                                   f"(pole {pole!r}, partner {partner!r})")
        if op == "add":
            raise MultivectorError(f"scenario step {i}: add takes a pole (a hypothetical "
                                   f"partner of that pole), not partner {partner!r}")
        why = tf.partner_refusal(channel)
        if why:
            raise MultivectorError(f"scenario step {i}: {why}")
        try:
            code = states.validate_iso3(partner)
        except MultivectorError as exc:
            raise MultivectorError(f"scenario step {i}: partner: {exc}") from None
        if code == state:
            raise MultivectorError(f"scenario step {i}: partner {code} is the state itself")
        out = {"op": op, "channel": channel, "partner": code}
    elif pole not in ps.ids:
        raise MultivectorError(f"scenario step {i}: pole must be one of {', '.join(ps.ids)}, "
                               f"got {pole!r}{_state_hint(pole, op, ps)}")
    else:
        out = {"op": op, "channel": channel, "pole": pole}
    key = {"scale": "factor", "add": "share"}.get(op)
    if key:
        try:
            val = float(s.get(key))
        except (TypeError, ValueError):
            raise MultivectorError(f"scenario step {i}: {key} must be a number") from None
        if not (0 <= val <= 100 if key == "factor" else 0 <= val < 1):
            raise MultivectorError(f"scenario step {i}: {key} out of range, got {val}")
        out[key] = val
    return out


def _state_hint(pole: object, op: object, ps: poles_mod.PoleSet) -> str:
    """Where a pole that is no pole of the set names a state: how to scale that partner."""
    if not isinstance(pole, str) or not pole.strip() or op == "add":
        return ""
    try:
        code = states.validate_iso3(pole)
    except MultivectorError:
        return ""
    return (f"; {pole} is the state {states.country_name(code)} ({code}), not a pole of the "
            f"{ps.name} set: to scale that partner write partner: {code} (on the command "
            f"line --step '{op}:partner={code}@CHANNEL...')")


def describe(step: dict, ps: poles_mod.PoleSet, years: tuple[int, int]) -> str:
    """A step in words, saying whether it acts on a pole or on a partner and where that
    partner sits in ``years`` (``scale partner ITA (Italy; in pole EU 1992-2024) in exports
    by 0.5``)."""
    ch = step["channel"]
    if "partner" in step:
        code = step["partner"]
        mem = ps.membership(range(years[0], years[1] + 1))
        host = dict(zip(mem.loc[mem["iso3"] == code, "year"],
                        mem.loc[mem["iso3"] == code, "pole"], strict=True))
        runs: list[list] = []
        for y in range(years[0], years[1] + 1):
            h = host.get(y, REST)
            if runs and runs[-1][0] == h:
                runs[-1][2] = y
            else:
                runs.append([h, y, y])
        where = "; ".join(("the rest of the world" if h == REST else f"in pole {h}")
                          + (f" {a}" if a == b else f" {a}-{b}") for h, a, b in runs)
        what = f"partner {code} ({states.country_name(code)}; {where})"
        ch = "every partner channel" if ch == "*" else ch
    else:
        what = f"pole {step['pole']} ({ps.pole(step['pole']).label})"
        ch = "every channel" if ch == "*" else ch
    if step["op"] == "drop":
        return f"drop {what} from {ch}"
    if step["op"] == "scale":
        return f"scale {what} in {ch} by {step['factor']:g}"
    return f"add a partner of {what} taking {step['share']:g} of {ch}"


def parse_step(text: str) -> dict:
    """``op:POLE@CHANNEL=NUMBER``, ``op:pole=POLE@...`` or ``op:partner=CODE@...`` to a
    scenario step (checked later by :func:`check`): a bare name is a pole; a partner (one
    state, inside a pole or in the rest of the world) is always written ``partner=``."""
    op, sep, rest = text.partition(":")
    if not sep:
        raise MultivectorError(f"--step must look like scale:EU@exports=0.8 or "
                               f"scale:partner=ITA@exports=0.5, got {text!r}")
    key = "pole"
    head, eq, tail = rest.partition("=")
    if eq and head.strip().lower() in ("pole", "partner"):
        key, rest = head.strip().lower(), tail
    target, _, number = rest.partition("=")
    name, _, channel = target.partition("@")
    step: dict = {"op": op.strip(), key: name.strip(), "channel": channel.strip() or "*"}
    if op.strip() in ("scale", "add"):
        try:
            step["factor" if op.strip() == "scale" else "share"] = float(number)
        except ValueError:
            raise MultivectorError(f"--step {text!r}: a number must follow '='") from None
    return step

"""Peer sets: named groups of states a focal state is compared with (``data/peers.toml``).

A peer set is a name, a title, a description saying why its members belong, and a list of
ISO3 codes. Users pass their own as a comma-separated list of codes (``TUR,KOR,MEX``) or a
TOML file of the same form.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from multivector.core import states
from multivector.core.errors import MultivectorError


@dataclass(frozen=True)
class PeerSet:
    """A named group of states."""

    name: str
    title: str
    description: str
    members: tuple[str, ...]


def _packaged() -> dict[str, dict]:
    text = resources.files("multivector.data").joinpath("peers.toml").read_text("utf-8")
    return tomllib.loads(text)


def packaged_peer_sets() -> list[str]:
    """Names of the peer sets shipped with multivector."""
    return sorted(_packaged())


def _from_table(name: str, raw: dict, where: str) -> PeerSet:
    members = raw.get("members")
    if not isinstance(members, list) or not members:
        raise MultivectorError(f"{where}: peer set {name!r} needs a non-empty members list")
    codes = []
    for i, m in enumerate(members, start=1):
        try:
            codes.append(states.validate_iso3(str(m)))
        except MultivectorError as exc:
            raise MultivectorError(f"{where}: peer set {name!r}, member {i}: {exc}") from None
    return PeerSet(name, raw.get("title", name), raw.get("description", ""), tuple(codes))


def load_peer_set(spec: str) -> PeerSet:
    """A packaged set by name, a TOML file (its first table), or ``ISO3,ISO3,...``."""
    sets = _packaged()
    if spec in sets:
        return _from_table(spec, sets[spec], "peers.toml")
    path = Path(spec)
    if path.suffix == ".toml" and path.is_file():
        try:
            raw = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise MultivectorError(f"{path}: not valid TOML: {exc}") from exc
        tables = {k: v for k, v in raw.items() if isinstance(v, dict)}
        if not tables:
            raise MultivectorError(f"{path}: no [name] table with a members list")
        name, table = next(iter(tables.items()))
        return _from_table(name, table, str(path))
    if "," in spec or (len(spec) == 3 and spec.isalpha()):
        codes = [c.strip() for c in spec.split(",") if c.strip()]
        return _from_table("custom", {"members": codes, "title": "Custom peers"}, "--peers")
    raise MultivectorError(f"unknown peer set {spec!r}: not one of "
                           f"{', '.join(packaged_peer_sets())}, a .toml file, or ISO3 codes "
                           "separated by commas")

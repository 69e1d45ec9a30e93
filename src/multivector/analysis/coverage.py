"""Where a profile's data start and end against the years asked (:class:`Coverage`), so that
every output says where a source stops instead of leaving a silent gap."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from multivector.core.vocabulary import CHANNELS, session_year


@dataclass
class Coverage:
    """Where a channel's data start and end for the focal state, against the years asked."""

    channel: str
    source: str
    first_year: int | None
    last_year: int | None
    asked: tuple[int, int]
    detail: str = ""

    @property
    def note(self) -> str | None:
        """A sentence for the reader when the data do not cover the years asked."""
        y0, y1 = self.asked
        if self.last_year is None:
            return (f"{self.channel}: no data for {y0}-{y1} in {self.source}; "
                    "nothing is shown and nothing is estimated.")
        parts = []
        if self.last_year < y1:
            gap = (f"{self.last_year + 1}" if self.last_year + 1 == y1
                   else f"{self.last_year + 1}-{y1}")
            parts.append(f"data end in {self.last_year}{self.detail}; {gap} "
                         f"{'is' if self.last_year + 1 == y1 else 'are'} not shown and not "
                         "extrapolated")
        if self.first_year is not None and self.first_year > y0:
            parts.append(f"data start in {self.first_year}")
        return f"{self.channel} ({self.source}): " + "; ".join(parts) + "." if parts else None


def coverage(meta: dict[str, str], years: tuple[int, int], unga: pd.DataFrame,
             trade: pd.DataFrame, sh: pd.DataFrame, minerals: pd.DataFrame,
             ind: pd.DataFrame, titles: dict[str, str]) -> list[Coverage]:
    """The coverage of every section of a profile: UNGA votes, trade, the membership channels
    (from the shares ``sh``), minerals and each indicator of ``titles`` (code -> title)."""
    last_session = int(meta.get("unga_last_session", 0))
    out = [
        Coverage("UN General Assembly votes", "Voeten et al., three forms combined",
                 _first(unga, "year"), _last(unga, "year"), years,
                 detail=(f" (session {last_session}, opened {session_year(last_session)}; "
                         f"last roll call {meta.get('unga_last_date')})")),
        Coverage("Trade by partner", "IMF DOTS", _first(trade, "year"), _last(trade, "year"),
                 years),
    ]
    for name in ("security", "igo", "formats"):
        sub = sh[sh["channel"] == name] if len(sh) else sh
        c = CHANNELS[name]
        out.append(Coverage(c.title, c.source, _first(sub, "year"), _last(sub, "year"), years))
    out.append(Coverage("Mineral production", "BGS (2016); Clio Infra & USGS",
                        _first(minerals, "year"), _last(minerals, "year"), years))
    for code, title in titles.items():
        sub = ind[ind["indicator"] == code]
        out.append(Coverage(title, "World Bank WDI", _first(sub, "year"), _last(sub, "year"),
                            years))
    return out


def _first(frame: pd.DataFrame, col: str) -> int | None:
    return int(frame[col].min()) if len(frame) else None


def _last(frame: pd.DataFrame, col: str) -> int | None:
    return int(frame[col].max()) if len(frame) else None

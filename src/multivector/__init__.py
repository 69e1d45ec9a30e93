"""multivector: an open observatory of foreign-policy balance.

Measures, for any state and year, how its engagement spreads across the poles of world
politics (UN General Assembly votes, trade, alliances, memberships...), from pinned open data.
"""

__version__ = "0.1.0"

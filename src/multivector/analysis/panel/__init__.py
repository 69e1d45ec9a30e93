"""State-year panels of every channel, read from the warehouse: the I/O edge of the measures.

Each module reads what its channels need from the warehouse (through
:mod:`multivector.warehouse.readers`) for a range of years and a set of focal states (all
states when ``focal`` is None), and hands it to the pure functions of
:mod:`multivector.measures`. The unit of analysis is the focal state-year; every channel ends
in the same long frame of shares by pole (:data:`multivector.analysis.panel.frame.
SHARE_COLUMNS`), ``iso3, channel, pole, year, value, share, total, n_members, flag``.

Modules: :mod:`~multivector.analysis.panel.shares` (the entry points ``channel_shares`` and
``all_shares``), :mod:`~multivector.analysis.panel.unga`, :mod:`~multivector.analysis.panel.trade`
(flows, shares, concentration), :mod:`~multivector.analysis.panel.membership` (security, igo,
formats), :mod:`~multivector.analysis.panel.extra` (arms, investment, events),
:mod:`~multivector.analysis.panel.partners` (the partner figures a what-if partner step scales),
:mod:`~multivector.analysis.panel.minerals`, :mod:`~multivector.analysis.panel.power` (the
middle-power index's components) and :mod:`~multivector.analysis.panel.frame` (the frame's
columns).

Channels (:data:`multivector.core.vocabulary.BALANCE_CHANNELS` and ``EXTRA_CHANNELS``;
definitions in ``docs/methods.md``):

``unga``
    The state's votes on the roll calls of the session opened that year that split the poles,
    credited to the poles that voted alike (:mod:`multivector.measures.splitvotes`; ``total``
    is the number of such votes); with an affinity measure (``agreement``, ``kappa``,
    ``idealpoint_distance``) alignment with each pole turned into an affinity in [0, 1]
    (:func:`multivector.measures.balance.affinity`), shares over the poles only.
``exports``, ``imports``
    IMF DOTS as the focal state reports it, with the partner's mirror figure where the focal
    state's own is missing (1960-2020); COW Trade v4.0 before 1960 (1946-1959); the state's
    national statistics after its last DOTS year where the warehouse holds them (Kazakhstan,
    Uzbekistan, Kyrgyzstan to 2023), the switch marked (:func:`.trade.trade_flows`).
``security``
    Strength of the strongest ATOP 5 obligation between the state and each partner, pledged in
    either direction, weighted by :data:`multivector.measures.channels.SECURITY_WEIGHTS` (to
    2018); only state-years with a tie of neutrality or more to a pole. With an arms weight
    ``a`` (``security_arms``), ``(1 - a)`` times those shares plus ``a`` times the ``arms``
    channel's, in the years both sources cover (:func:`.membership.security_shares`).
``arms``
    SIPRI TIV delivered by each supplier (1950-2024); beside the composite, not in it.
``igo``
    Intergovernmental organisations both states are full members of, those every pole belongs
    to left out (manyIOs MIGO, to 2010; COW IGO v3 counts to 2014 as an option).
``formats``
    Formats of the maintained table both states belong to (1991 onwards), those every pole
    holds left out, for the states the table is built for (:func:`.membership.format_states`).
``events``
    Cooperative events (PLOVER verbal and material cooperation) with each partner, from event
    data a user ingested (``multivector events ingest``); not among the default channels.
"""

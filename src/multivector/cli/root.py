"""The root ``multivector`` command: the typer app with every command module's commands and
every command group registered, in the order ``multivector --help`` lists them.

Each command module holds its commands on its own ``commands`` app, merged here into the root
one (typer's ``add_typer`` without a name); the groups (``data``, ``poles``, ``claims``,
``events``) keep their names. No command module imports this one.
"""

from __future__ import annotations

import typer

from multivector.cli import balance, data, events_bulk, power, report, serve, trade, unga, whatif
from multivector.cli.claims import claims_app
from multivector.cli.events import events_app

app = typer.Typer(help="multivector: how a state's engagement spreads across the poles of "
                       "world politics, from pinned open data.", no_args_is_help=True,
                  pretty_exceptions_enable=False)

for module in (data, report, unga, trade, power, balance, whatif, serve):
    app.add_typer(module.commands)

events_bulk.register(events_app)
app.add_typer(data.data_app, name="data")
app.add_typer(data.poles_app, name="poles")
app.add_typer(claims_app, name="claims")
app.add_typer(events_app, name="events")

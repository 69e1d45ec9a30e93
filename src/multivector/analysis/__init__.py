"""Analysis: reads the warehouse, calls the measures. Options and defaults (one place), the
panel of channel shares, the profile of one state, the sensitivity run, the results derived for
every state at ingest, claims, events aggregation, what-if scenarios, and the ingest that
orchestrates a build."""

"""Claims about a state's balance, checked against the data: the catalogue of measures and the
years they cover (catalog), the warehouse tables under them (tables), the measurable frames
(frames), reading claims files (parse) and checking claims, verdicts (check)."""

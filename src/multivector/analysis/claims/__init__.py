"""Claims about a state's balance, checked against the data: the catalogue of measurable
frames and the checker of claim files."""

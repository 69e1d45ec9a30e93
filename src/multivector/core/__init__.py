"""The vocabulary every layer shares: channels and the session-year rule, states, poles, peer
sets, paths, errors and progress. Imports nothing else of multivector."""

"""Members: persons, memberships per cooperative, categories, the append-only share ledger, policies."""

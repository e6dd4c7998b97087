"""Audit: the append-only, hash-chained log of governance acts."""

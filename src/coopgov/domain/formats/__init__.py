"""Readers and writers of the interchange formats (PrefLib, Pabulib, Polis, Scottish CSV, JSON ballots)."""

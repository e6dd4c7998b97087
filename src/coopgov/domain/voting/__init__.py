"""Counting rules for motions, elections and polls."""

"""Command-line front ends of the pure engines: they need no database and no Django settings."""

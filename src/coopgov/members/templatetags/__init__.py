"""Template tags and filters of the register pages."""

"""Share, membership and weight arithmetic of cooperative statutes: who may join, hold, leave and vote."""

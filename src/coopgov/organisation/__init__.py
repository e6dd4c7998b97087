"""Organisation: the unit tree (group → cooperatives → antennas, plus communities), bodies, mandates, roles."""

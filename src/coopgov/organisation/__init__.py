"""Organisation: the unit tree (group → cooperatives → antennas; communities), bodies, mandates, roles."""

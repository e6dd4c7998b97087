"""Pure-Python rules of cooperative democracy: no Django, no I/O beyond file readers, no clock.

Everything here is a function of its inputs (randomness comes in as a seed, time as a date), so
that every tally, budget, opinion map and draw can be recounted by anyone.
"""

"""Meetings in an antenna (bilans participatifs): registration, agenda, attendance, contributions
entered by relays, minutes.
"""

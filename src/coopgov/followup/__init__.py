"""Recommendations addressed to a body and their follow-up (the Smart in Progress cycle), and
participation dashboards.
"""

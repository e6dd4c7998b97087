"""Participatory processes at every level of the unit tree: phases, proposals, supports, comments,
amendments, moderation, following, member-written text in several languages, and thematic
communities.
"""

"""The rise of orientations: local proposals and meeting contributions bundled into a proposal at the
parent level, with provenance; duplicate suggestions across antennas.
"""

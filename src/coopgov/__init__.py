"""coopgov: the democratic life of a large, multi-stakeholder, multi-country cooperative."""

__version__ = "0.1.0"

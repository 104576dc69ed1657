"""Searching study visits themselves (the visit finder), over the study-visit index."""

"""Helpers that draw the fictional evidence for the sample cases (see ../generate_evidence.py)."""

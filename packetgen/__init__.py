"""packetgen: assemble humanitarian-parole filing packets (Form I-131 Part 1 Item 7, Form I-134, evidence)."""

__version__ = "0.1.0"

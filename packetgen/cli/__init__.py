"""The command line: argument parsing and printing only; the work is done by :mod:`packetgen.api`."""

from packetgen.cli.main import main

__all__ = ["main"]

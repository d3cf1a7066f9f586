"""The command line: argument parsing and printing only; the work is done by :mod:`packetgen.api`."""


def main() -> None:
    """The ``packetgen`` console script: signal handlers first, then the CLI (packetgen/interrupts.py)."""
    from packetgen import interrupts

    def load():
        from packetgen.cli.main import main as cli_main

        return cli_main

    interrupts.run_main(load)


__all__ = ["main"]

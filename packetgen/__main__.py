try:
    from packetgen import interrupts
except KeyboardInterrupt:   # Ctrl-C in the first milliseconds (docs/errors.md: exit 130)
    import sys

    sys.stderr.write("interrupted; nothing was written\n")
    raise SystemExit(130)


def _load():
    from packetgen.cli.main import main

    return main


interrupts.run_main(_load)   # signal handlers first: SIGTERM/SIGHUP/SIGINT during start-up exit 143/129/130

from packetgen import interrupts


def _load():
    from packetgen.cli.main import main

    return main


interrupts.run_main(_load)   # signal handlers first: SIGTERM/SIGHUP/SIGINT during start-up exit 143/129/130

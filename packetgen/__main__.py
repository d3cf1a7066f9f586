try:
    from packetgen.cli.main import main
except KeyboardInterrupt:   # Ctrl-C while starting up (docs/errors.md: exit 130)
    import sys

    sys.stderr.write("interrupted; nothing was written\n")
    sys.exit(130)

main()

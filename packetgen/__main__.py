from packetgen.cli.main import main

main()

import LodeCLI

LodeCommand.main()

from rmperf.cli import main

main()

"""`python -m mtcheck`: the command line, as the `mtcheck` script runs it."""

from mtcheck.cli import main

main()

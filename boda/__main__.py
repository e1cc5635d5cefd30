"""`python -m boda`."""

from boda.cli import main

main()

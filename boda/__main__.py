"""`python -m boda`."""

from boda.cli import app

app(prog_name="boda")

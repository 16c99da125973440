"""Run the CLI as `python -m timetrack`."""

from timetrack.cli.app import main

main()

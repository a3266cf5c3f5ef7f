"""`python -m generator` runs the command line."""

from __future__ import annotations

from generator.cli import run

if __name__ == "__main__":
    run()

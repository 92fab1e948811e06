#!/usr/bin/env python
"""Django's manage.py, kept for habit; ``alliance`` is the same command."""

from alliance.cli import main

if __name__ == "__main__":
    main()

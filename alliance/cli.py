"""The ``alliance`` command: Django's management commands under the names operators use.

``alliance serve`` (the web server and the background worker, supervised), ``alliance demo``,
``alliance worker``, ``alliance createadmin`` and ``alliance crisis-check`` are the everyday
ones; any other Django command (``migrate``, ``check``, ``shell``...) passes through.
"""

import os
import sys

# Names with a hyphen, which a Python module (a Django command) cannot have.
ALIASES = {
    "crisis-check": "crisis_check",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])
    args[0] = "alliance"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()

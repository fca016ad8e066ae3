"""The ``sammanhang`` command: Django's management commands with a friendly start-up.

A bad environment variable stops start-up with one sentence that names it (exit code 2)
instead of a traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammanhang.settings")
    from sammanhang.config import ConfigurationError

    try:
        import django

        django.setup()
    except ConfigurationError as exc:
        print(f"sammanhang: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None

    from django.core.management import execute_from_command_line

    execute_from_command_line(["sammanhang", *(sys.argv[1:] if argv is None else argv)])

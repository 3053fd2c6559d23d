"""The ``iccity`` command: Django's management commands with iccity's settings.

``iccity plan parse FILE`` needs no database: Django is configured but no connection is opened.
"""
import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccity.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["iccity", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()

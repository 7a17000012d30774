"""The `tongban` command: Django's management commands plus serve, worker, demo, audit."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "tongban"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trackflow.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reads the environment
    except ImproperlyConfigured as problem:  # a setting that cannot be read: say which
        sys.exit(f"cannot start: {problem}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

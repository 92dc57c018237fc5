#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - load the settings: say what is wrong, plainly
    except ImproperlyConfigured as error:
        sys.exit(f"Tandem is not configured: {error}\nFor local development: DJANGO_DEBUG=true (the Makefile sets it).")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

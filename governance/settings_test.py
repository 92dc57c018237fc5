"""The test suite's settings: production settings, loosened where tests need it.

pytest.ini names this module (``DJANGO_SETTINGS_MODULE``), and pytest-django
exports it to the environment, so the processes the tests start (Celery
workers, ``manage.py``) run with it too. Nothing else selects it: a production
process that happens to import pytest still runs ``governance.settings``
(``governance/tests/test_settings_and_commands.py`` checks that).
"""

import os

# A throw-away secret for this process and the ones it starts; a secret set in
# the environment wins. Set before the import: the production module refuses
# to start without one when DEBUG is off.
os.environ.setdefault("DJANGO_SECRET_KEY", "django-insecure-test-suite-only-never-in-production")

from governance.settings import *  # noqa: F403
from governance.settings import STORAGES

TESTING = True

# Django's test client asks for "testserver", over plain HTTP.
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False

# Tests (including the live server of browser tests) serve static files
# straight from static/, with no collectstatic step.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Hashing test passwords slowly only slows the suite down.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The webhook tests' receivers listen on 127.0.0.1 (integrations/tests); production refuses such addresses.
TANDEM_WEBHOOKS_ALLOW_PRIVATE = True

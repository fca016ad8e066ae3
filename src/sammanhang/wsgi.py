"""WSGI entry point for gunicorn: ``gunicorn sammanhang.wsgi``."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammanhang.settings")

from sammanhang.config import ConfigurationError

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
except ConfigurationError as exc:
    print(f"sammanhang: configuration error: {exc}", file=sys.stderr)
    raise SystemExit(2) from None

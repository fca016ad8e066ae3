"""WSGI entry point for gunicorn: ``gunicorn sammanhang.wsgi``."""

import gc
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammanhang.settings")

from sammanhang.config import ConfigurationError

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    # Everything loaded at start-up lives as long as the worker: taken out of the
    # collector's sight, a full collection no longer walks it and stalls a request for
    # 100-300 ms now and then (measured on the finder, benchmarks/README.md).
    gc.freeze()
except ConfigurationError as exc:
    print(f"sammanhang: configuration error: {exc}", file=sys.stderr)
    raise SystemExit(2) from None

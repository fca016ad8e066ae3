"""Settings for the test suite: the real settings with a test secret and fast hashing."""

import os

os.environ.setdefault("SAMMANHANG_SECRET_KEY", "test-only-" + "x" * 60)
os.environ.setdefault("SAMMANHANG_SSL_REDIRECT", "false")

from sammanhang.settings import *  # noqa: F403

# Argon2 is deliberately slow; tests that prove the production hasher read PASSWORD_HASHERS
# from sammanhang.settings directly.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SAMMANHANG_SMS_BACKEND = "sammanhang.core.messaging.MemorySmsBackend"
# Tests see the figures of the data they just made; the cache itself has its own test.
SAMMANHANG_NATIONAL_STATS_CACHE_SECONDS = 0

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: concurrency tests need separate connections to see one database,
    # with the same WAL and IMMEDIATE behaviour as production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}  # noqa: F405

# WhiteNoise serves from the apps' folders in tests; collectstatic is not run.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

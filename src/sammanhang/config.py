"""Read configuration from the environment.

Every problem is raised as :class:`ConfigurationError` carrying one sentence that names the
variable, so that start-up can print it instead of a traceback (see ``sammanhang.cli``).
"""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path
from typing import Any

import dj_database_url


class ConfigurationError(Exception):
    """A setting in the environment is missing or cannot be understood."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ConfigurationError(
            f"{name} must be a whole number of at least {minimum}, not {raw!r}."
        )
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"{name} must be an IANA time zone such as Europe/Stockholm, not {value!r}."
        ) from None
    return value


def env_secret_key(name: str, *, debug: bool) -> str:
    value = env_str(name)
    if value:
        if not debug and len(value) < 50:
            raise ConfigurationError(
                f"{name} must be at least 50 characters long when debug is off."
            )
        return value
    if debug:
        # Only usable with debug on, where nothing is meant to be public.
        return "django-insecure-development-only-never-used-with-debug-off"
    raise ConfigurationError(
        f"{name} must be set when SAMMANHANG_DEBUG is off "
        '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )


def env_database(name: str, *, data_dir: Path) -> dict[str, Any]:
    """Parse a database URL; SQLite is tuned so that write rules hold under concurrency."""
    raw = env_str(name)
    if not raw:
        data_dir.mkdir(parents=True, exist_ok=True)
        raw = f"sqlite:///{data_dir / 'sammanhang.sqlite3'}"
    if not raw.startswith(("sqlite:", "postgres:", "postgresql:", "pgsql:")):
        raise ConfigurationError(
            f"{name} must start with sqlite:/// or postgres://, not {_redact(raw)!r}."
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(raw))
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"{name} could not be read as a database URL ({exc}).") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ConfigurationError(f"{name} names no SQLite file (sqlite:///path/to/file).")
        config["OPTIONS"] = {
            # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock
            # when the transaction begins, so two writers queue instead of failing mid-way.
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        if not config.get("NAME"):
            raise ConfigurationError(f"{name} names no database (postgres://host/NAME).")
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
        # Page queries are short: compiling them (JIT) costs more than it saves, and parallel
        # workers cost a start-up each while other requests wait for the same two cores.
        options = config.setdefault("OPTIONS", {})
        options.setdefault("options", "-c jit=off -c max_parallel_workers_per_gather=0")
    return config


def _redact(url: str) -> str:
    # A database URL may hold a password; never echo it back.
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url

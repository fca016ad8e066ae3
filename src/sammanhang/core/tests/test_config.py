"""Configuration from the environment: defaults, and one clear sentence for each mistake."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sammanhang.config import (
    ConfigurationError,
    env_bool,
    env_database,
    env_int,
    env_secret_key,
    env_time_zone,
)


def test_database_defaults_to_sqlite_file_in_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env_database("DATABASE_URL", data_dir=tmp_path / "data")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "data" / "sammanhang.sqlite3")
    assert (tmp_path / "data").is_dir()


def test_sqlite_uses_wal_and_immediate_transactions(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    options = env_database("DATABASE_URL", data_dir=tmp_path)["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


def test_postgres_url_is_parsed(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://app:secret@db.example:5433/sammanhang")
    config = env_database("DATABASE_URL", data_dir=tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "sammanhang")


@pytest.mark.parametrize(
    "url",
    ["mysql://x/y", "not a url", "postgres://user:pw@host:notaport/db", "postgres://host/"],
)
def test_unusable_database_url_names_the_variable_and_hides_the_password(
    monkeypatch, tmp_path, url
):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigurationError, match="^DATABASE_URL ") as excinfo:
        env_database("DATABASE_URL", data_dir=tmp_path)
    assert "pw" not in str(excinfo.value)


def test_secret_key_is_required_with_debug_off(monkeypatch):
    monkeypatch.delenv("SAMMANHANG_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="^SAMMANHANG_SECRET_KEY must be set"):
        env_secret_key("SAMMANHANG_SECRET_KEY", debug=False)
    assert env_secret_key("SAMMANHANG_SECRET_KEY", debug=True).startswith("django-insecure")


def test_short_secret_key_is_refused_with_debug_off(monkeypatch):
    monkeypatch.setenv("SAMMANHANG_SECRET_KEY", "short")
    with pytest.raises(ConfigurationError, match="at least 50 characters"):
        env_secret_key("SAMMANHANG_SECRET_KEY", debug=False)


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("off", False)])
def test_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("SAMMANHANG_DEBUG", raw)
    assert env_bool("SAMMANHANG_DEBUG", default=not expected) is expected


def test_unreadable_boolean_is_refused(monkeypatch):
    monkeypatch.setenv("SAMMANHANG_DEBUG", "maybe")
    with pytest.raises(ConfigurationError, match="^SAMMANHANG_DEBUG must be true or false"):
        env_bool("SAMMANHANG_DEBUG", default=False)


@pytest.mark.parametrize("raw", ["tjugo", "-1", "0"])
def test_unusable_number_is_refused(monkeypatch, raw):
    monkeypatch.setenv("SAMMANHANG_AUDIT_RETENTION_DAYS", raw)
    with pytest.raises(
        ConfigurationError, match="^SAMMANHANG_AUDIT_RETENTION_DAYS must be a whole"
    ):
        env_int("SAMMANHANG_AUDIT_RETENTION_DAYS", 730, minimum=1)
    monkeypatch.delenv("SAMMANHANG_AUDIT_RETENTION_DAYS")
    assert env_int("SAMMANHANG_AUDIT_RETENTION_DAYS", 730, minimum=1) == 730


def test_unknown_time_zone_is_refused(monkeypatch):
    monkeypatch.setenv("SAMMANHANG_TIME_ZONE", "Europe/Atlantis")
    with pytest.raises(ConfigurationError, match="^SAMMANHANG_TIME_ZONE must be an IANA"):
        env_time_zone("SAMMANHANG_TIME_ZONE", "Europe/Stockholm")


def _run_cli(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAMMANHANG_", "DATABASE_URL", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "sammanhang", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "SAMMANHANG_SECRET_KEY"),
        ({"SAMMANHANG_DEBUG": "1", "DATABASE_URL": "postgres://"}, "DATABASE_URL"),
        ({"SAMMANHANG_DEBUG": "1", "DATABASE_URL": "redis://localhost"}, "DATABASE_URL"),
        ({"SAMMANHANG_DEBUG": "kanske"}, "SAMMANHANG_DEBUG"),
        (
            {"SAMMANHANG_SECRET_KEY": "s" * 60, "SAMMANHANG_EMAIL_PORT": "smtp"},
            "SAMMANHANG_EMAIL_PORT",
        ),
        ({"SAMMANHANG_DEBUG": "1", "SAMMANHANG_TIME_ZONE": "Mars/Olympus"}, "SAMMANHANG_TIME_ZONE"),
    ],
)
def test_bad_configuration_stops_start_up_with_one_sentence(tmp_path, env, variable):
    result = _run_cli(env, "check", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"sammanhang: configuration error: {variable} ")
    assert "Traceback" not in result.stderr


def test_deploy_check_passes_with_production_values(tmp_path):
    env = {
        "SAMMANHANG_SECRET_KEY": "k" * 20 + "production-like-secret-value-" + "z" * 20,
        "SAMMANHANG_ALLOWED_HOSTS": "sammanhang.example.se",
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
    }
    result = _run_cli(env, "check", "--deploy", "--fail-level", "WARNING", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr

from __future__ import annotations

import pytest
from django.db import connection


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only: PostgreSQL has its own concurrency control")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"

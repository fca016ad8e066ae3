"""The finder's walk through sessions in start order reads the start index alone.

At national scale a search whose activities are few among many (a common word, a target
group, a late hour) tests thousands of sessions to fill a page; fetching each one's table row
was most of its time, so the index carries every column the walk reads (migrations 0015 and
0017). A filter added to the walk later that the index lacks would quietly bring the row
reads back: this fails first. Measured in ``benchmarks/README.md``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sammanhang.directory import finder
from sammanhang.directory.selectors import FinderCriteria, activity_list_for_finder
from sammanhang.web.demo.loader import demo_load

DEMO_TODAY = date(2026, 11, 23)
NOW = datetime.combine(DEMO_TODAY, time(17, 30), tzinfo=ZoneInfo("Europe/Stockholm"))
INDEX = "occurrence_start_time_idx"


def _walks(criteria: FinderCriteria) -> list[str]:
    """The SQL of the walk in start order that a first page of these results runs."""
    with CaptureQueriesContext(connection) as captured:
        results = activity_list_for_finder(criteria)
        results.count()
        results[:20]
    return [
        query["sql"]
        for query in captured.captured_queries
        # Each batch names the start it read up to (``FinderResults._read``).
        if 'FROM "directory_occurrence"' in query["sql"] and 'AS "start_key"' in query["sql"]
    ]


def _how_sessions_are_read(sql: str) -> str:
    """The plan's line that reads ``directory_occurrence``."""
    with transaction.atomic(), connection.cursor() as cursor:  # rolled back on PostgreSQL
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            lines = [row[-1] for row in cursor.fetchall()]
        else:
            # The demo's few hundred sessions are cheaper read whole, or through each
            # activity's sessions, than in start order, unlike at national scale. So, for this
            # transaction only, the planner gets just the start index to read sessions by:
            # the question is whether that read needs the table.
            cursor.execute(
                "SELECT indexrelid::regclass::text FROM pg_index"
                " WHERE indrelid = 'directory_occurrence'::regclass"
                " AND NOT indisunique AND indexrelid::regclass::text <> %s",
                [INDEX],
            )
            for (other,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{other}"')
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN {sql}")
            lines = [row[0] for row in cursor.fetchall()]
            transaction.set_rollback(True)
    scans = [
        line.strip().removeprefix("->").strip()
        for line in lines
        if "Scan" in line or "SEARCH" in line
    ]
    return next(line for line in scans if "directory_occurrence" in line.split(" (")[0])


@pytest.mark.parametrize(
    "criteria",
    [
        FinderCriteria(now=NOW),
        FinderCriteria(now=NOW, target_groups=("npf",)),
        FinderCriteria(now=NOW, text="fika"),
        FinderCriteria(now=NOW, free=True, drop_in=True),
        FinderCriteria(now=NOW, weekdays=(6, 7), starts_after=time(19)),
        FinderCriteria(now=NOW, starts_before=time(10), ends_before=time(12)),
        FinderCriteria(now=NOW, ends_after=time(20), text="fika"),
    ],
    ids=[
        "everything",
        "target group",
        "a word",
        "free drop-in",
        "weekend evenings",
        "mornings",
        "a word, late",
    ],
)
def test_the_walk_in_start_order_reads_the_index_alone(
    db: None, monkeypatch: pytest.MonkeyPatch, criteria: FinderCriteria
) -> None:
    demo_load(today=DEMO_TODAY)
    monkeypatch.setattr(finder, "SMALL_SET", 0)  # read as a national-scale directory is
    walks = _walks(criteria)
    assert walks, "the results were not read in start order"
    for sql in walks:
        read = _how_sessions_are_read(sql)
        if connection.vendor == "sqlite":
            assert read.startswith(f"SEARCH directory_occurrence USING COVERING INDEX {INDEX}"), (
                read
            )
        else:
            assert read.startswith(f"Index Only Scan using {INDEX} on directory_occurrence"), read

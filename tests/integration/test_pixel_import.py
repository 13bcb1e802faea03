"""`creatives import events` on the real puffy export, checked against a csv-module count."""

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import real_data_file
from tests.integration.test_cli import run_cli

PUFFY = "pixel_events_puffy_2025-02-23_to_2025-03-08"
KEY_COLUMNS = (
    "client_id",
    "page_url",
    "timestamp",
    "event_name",
    "event_data",
    "referrer",
    "user_agent",
)


@dataclass
class Expected:
    rows: int = 0
    duplicate_event: int = 0
    duplicate_order: int = 0
    rejected: int = 0
    without_client_id: int = 0
    with_ad_id: int = 0
    revenue: Decimal = Decimal(0)
    first_revenue: dict[str, Decimal] = field(default_factory=dict)

    @property
    def stored(self) -> int:
        return self.rows - self.duplicate_event - self.duplicate_order - self.rejected


def read_rows(directory: Path) -> list[dict[str, str]]:
    rows = []
    for path in sorted(directory.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for record in csv.DictReader(handle):
                record["client_id"] = record.pop(
                    "clientId", record.get("client_id", "")
                )
                record.setdefault("referrer", "")
                rows.append(record)
    return rows


def expected_counts(directory: Path) -> Expected:
    """The same rules as the importer, written out independently over plain csv rows."""
    rows = read_rows(directory)
    expected = Expected(rows=len(rows))
    seen: set[tuple[str, ...]] = set()
    for row in sorted(rows, key=lambda r: r["timestamp"]):
        key = tuple(row[name] for name in KEY_COLUMNS)
        if key in seen:
            expected.duplicate_event += 1
            continue
        seen.add(key)
        if not row["page_url"].startswith("http") or (
            row["referrer"] and "://" not in row["referrer"]
        ):
            expected.rejected += 1
            continue
        if row["event_name"] == "checkout_completed":
            data = json.loads(row["event_data"], parse_float=Decimal)
            order = data["transaction_id"]
            if order in expected.first_revenue:
                expected.duplicate_order += 1
                continue
            expected.first_revenue[order] = Decimal(data["revenue"])
            expected.revenue += Decimal(data["revenue"])
        expected.without_client_id += not row["client_id"]
        query = dict(parse_qsl(urlsplit(row["page_url"]).query))
        expected.with_ad_id += bool(query.get("ad_id"))
    return expected


def report_counts(stdout: str) -> dict[str, int]:
    counts = {}
    for line in stdout.splitlines():
        name, _, number = line.rpartition(": ")
        if number.isdigit():
            counts[name] = int(number)
    return counts


async def scalar(engine: AsyncEngine, sql: str) -> object:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql))).scalar_one()


@pytest.mark.realdata
async def test_puffy_replay_matches_files(database_url: str, db: AsyncEngine) -> None:
    directory = real_data_file(PUFFY)
    expected = expected_counts(directory)
    added = run_cli(
        database_url,
        *("customers", "add", "puffy", "--name", "Puffy", "--currency", "USD"),
        *("--time-zone", "UTC"),
    )
    assert added.returncode == 0, added.stderr

    first = run_cli(
        database_url,
        *(
            "import",
            "events",
            str(directory),
            "--customer",
            "puffy",
            "--format",
            "puffy",
        ),
    )
    again = run_cli(
        database_url,
        *(
            "import",
            "events",
            str(directory),
            "--customer",
            "puffy",
            "--format",
            "puffy",
        ),
    )

    assert first.returncode == 0, first.stderr
    counts = report_counts(first.stdout)
    assert counts["rows"] == expected.rows == 49963
    assert counts["stored"] == expected.stored
    assert counts["duplicate_event"] == expected.duplicate_event == 1
    assert counts["duplicate_order"] == expected.duplicate_order == 4
    assert counts.get("rejected", 0) == expected.rejected
    assert counts["stored events without client id"] == expected.without_client_id
    assert counts["stored bot events"] > 6000

    stored = await scalar(db, "SELECT count(*) FROM creatives.pixel_events")
    revenue = await scalar(
        db,
        "SELECT sum(value) FROM creatives.pixel_events WHERE event_name = 'checkout_completed'",
    )
    ad_ids = await scalar(
        db, "SELECT count(*) FROM creatives.pixel_events WHERE ad_id IS NOT NULL"
    )
    assert stored == expected.stored
    assert revenue == expected.revenue
    assert ad_ids == expected.with_ad_id

    assert again.returncode == 0, again.stderr
    repeated = report_counts(again.stdout)
    assert repeated.get("stored", 0) == 0
    assert repeated["duplicate_event"] == expected.rows - expected.rejected
    first_wins = await scalar(
        db,
        "SELECT value FROM creatives.pixel_events WHERE order_id = 'ORD-20250226-400'",
    )
    assert first_wins == expected.first_revenue["ORD-20250226-400"] == Decimal(3199)
    currencies = await scalar(
        db,
        "SELECT string_agg(DISTINCT currency, ',') FROM creatives.pixel_events "
        "WHERE value IS NOT NULL",
    )
    assert currencies == "USD"
    untagged_bots = await scalar(
        db,
        "SELECT count(*) FROM creatives.pixel_events WHERE NOT is_bot AND "
        "(user_agent LIKE '%Googlebot%' OR user_agent LIKE '%Ahrefs%')",
    )
    assert untagged_bots == 0
    sessionless = await scalar(
        db,
        "SELECT count(*) FROM creatives.pixel_events "
        "WHERE client_id IS NOT NULL AND session_id IS NULL",
    )
    assert sessionless == 0
    historical = await scalar(
        db,
        "SELECT (min(event_time) AT TIME ZONE 'UTC')::text FROM creatives.pixel_events",
    )
    assert str(historical).startswith("2025-02-23 00:00:01.75")
    zero_revenue = await scalar(
        db,
        "SELECT count(*) FROM creatives.pixel_events "
        "WHERE event_name = 'checkout_completed' AND value = 0",
    )
    assert (
        zero_revenue == Counter(v == 0 for v in expected.first_revenue.values())[True]
    )

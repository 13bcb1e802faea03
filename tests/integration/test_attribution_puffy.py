"""Attribution on the real puffy pixel export, with `utm_content` as the ad key.

The expected figures are computed here from the csv files with the model's rules written
out again: sessions end after 30 minutes without events, a session is paid when its first
page view carries `utm_content`, bots are left out, and a repeated transaction id counts
once (the earliest).
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.pixel.privacy import detect_bot
from tests.conftest import real_data_file
from tests.integration.test_cli import run_cli
from tests.integration.test_pixel_import import KEY_COLUMNS, PUFFY, read_rows

SESSION_GAP = timedelta(minutes=30)
PURCHASE = "checkout_completed"


@dataclass
class Session:
    events: list[dict[str, str]] = field(default_factory=list)

    @property
    def ad(self) -> str | None:
        for event in self.events:
            if event["event_name"] == "page_viewed":
                # Some URLs repeat a parameter; the first value counts, as in the collector.
                values = [
                    v
                    for k, v in parse_qsl(urlsplit(event["page_url"]).query)
                    if k == "utm_content"
                ]
                return values[0] if values else None
        return None


def _time(row: dict[str, str]) -> datetime:
    return datetime.fromisoformat(row["timestamp"].replace("Z", "+00:00"))


def _unique_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Drop exact duplicate rows and later purchases of a transaction id already seen."""
    seen: set[tuple[str, ...]] = set()
    orders: set[str] = set()
    unique = []
    for row in sorted(rows, key=_time):
        key = tuple(row[name] for name in KEY_COLUMNS)
        if key in seen:
            continue
        seen.add(key)
        if row["event_name"] == PURCHASE:
            order = json.loads(row["event_data"])["transaction_id"]
            if order in orders:
                continue
            orders.add(order)
        unique.append(row)
    return unique


def _revenue(row: dict[str, str]) -> Decimal:
    data = json.loads(row["event_data"], parse_float=Decimal)
    return Decimal(str(data["revenue"]))


def expected_figures(
    rows: list[dict[str, str]],
) -> tuple[dict[str, list[Decimal]], Decimal]:
    """Return per ad [sessions, same-session purchases, same-session revenue], and all revenue."""
    by_client: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if row["client_id"]:
            by_client[row["client_id"]].append(row)

    figures: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for events in by_client.values():
        sessions: list[Session] = []
        last: datetime | None = None
        for event in events:
            if last is None or _time(event) - last > SESSION_GAP:
                sessions.append(Session())
            sessions[-1].events.append(event)
            last = _time(event)
        for session in sessions:
            humans = [
                event
                for event in session.events
                if detect_bot(event["user_agent"]) is None
            ]
            ad = Session(humans).ad
            if ad is None:
                continue
            figures[ad][0] += 1
            for event in humans:
                if event["event_name"] == PURCHASE:
                    figures[ad][1] += 1
                    figures[ad][2] += _revenue(event)

    total = sum(
        (
            _revenue(row)
            for row in rows
            if row["event_name"] == PURCHASE and detect_bot(row["user_agent"]) is None
        ),
        Decimal(0),
    )
    return figures, total


@pytest.mark.realdata
async def test_puffy_attribution_matches_files(
    database_url: str, db: AsyncEngine
) -> None:
    directory = real_data_file(PUFFY)
    setup = [
        (
            "customers",
            "add",
            "puffy",
            "--name",
            "Puffy",
            "--currency",
            "USD",
            "--time-zone",
            "UTC",
        ),
        ("customers", "pixel", "puffy", "--ad-id-param", "utm_content"),
        ("customers", "configure", "puffy", "--purchase-event", PURCHASE),
        (
            "import",
            "events",
            str(directory),
            "--customer",
            "puffy",
            "--format",
            "puffy",
        ),
        ("integrate", "--customer", "puffy"),
    ]
    for command in setup:
        result = run_cli(database_url, *command)
        assert result.returncode == 0, result.stderr

    expected, expected_total = expected_figures(_unique_rows(read_rows(directory)))

    async with db.connect() as conn:
        stored = (
            await conn.execute(
                text(
                    f"""
                    SELECT ad_id, sum(sessions) AS sessions, sum(number_of_events) AS purchases,
                           sum(event_value) AS revenue
                    FROM creatives.pixel_event_integrated_data
                    WHERE customer_name = 'puffy' AND ev = '{PURCHASE}'
                    GROUP BY ad_id
                    """
                )
            )
        ).all()
        attributed = (
            await conn.execute(
                text(
                    "SELECT sum(event_value_attr_window_7) FROM creatives.pixel_event_integrated_data "
                    f"WHERE customer_name = 'puffy' AND ev = '{PURCHASE}'"
                )
            )
        ).scalar_one()
        unattributed, actual = (
            await conn.execute(
                text(
                    "SELECT sum(unattributed_value_7), sum(value) FROM creatives.unattributed_daily "
                    f"WHERE customer_id = 'puffy' AND event_name = '{PURCHASE}'"
                )
            )
        ).one()

    by_ad = {row.ad_id: [row.sessions, row.purchases, row.revenue] for row in stored}
    assert by_ad == {ad: values for ad, values in expected.items()}
    assert actual == expected_total
    assert attributed + unattributed == actual

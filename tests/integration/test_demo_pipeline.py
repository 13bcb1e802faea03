"""`creatives demo`: an export import, pixel events through the collector, then attribution.

The expected figures are recomputed here from the simulation's own output: the export file
and the events. The attribution rules are written out again. A session is paid when its
first page view carries an ad id. A purchase goes to the client's last paid session that
started before it, within 7 x 24 hours. Bots are left out.
"""

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.attribution.service import get_conversions
from creatives.creatives import service
from creatives.creatives.metrics import Attribution
from creatives.creatives.service import MetricsQuery
from creatives.customers import repository as customers
from creatives.demo.export import write_meta_export
from creatives.demo.generator import DemoScale, demo_customers
from creatives.demo.service import generate_demo
from creatives.demo.traffic import (
    BOT_AGENT,
    PURCHASE_EVENT,
    CustomerTraffic,
    TimedEvent,
    simulate_customer,
)
from creatives.errors import ConflictError
from tests.integration.test_cli import run_cli

SCALE = DemoScale(customers=2, ads=10, days=30, seed=12)
WINDOW = timedelta(days=7)


async def _rows(db: AsyncEngine, sql: str) -> list[tuple[object, ...]]:
    async with db.connect() as conn:
        return [tuple(row) for row in await conn.execute(text(sql))]


def _browser_events(traffic: CustomerTraffic) -> list[TimedEvent]:
    return [event for event in traffic.events if event.user_agent != BOT_AGENT]


@dataclass
class Expected:
    spend: dict[str, Decimal]
    clicks: dict[str, int]
    sessions: dict[str, int]
    orders: dict[str, list[Decimal]]
    unattributed: list[Decimal]


def _export_spend(
    path: Path, currency: str
) -> tuple[dict[str, Decimal], dict[str, int]]:
    spend: dict[str, Decimal] = defaultdict(Decimal)
    clicks: dict[str, int] = defaultdict(int)
    with path.open(newline="", encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            spend[line["Ad ID"]] += Decimal(line[f"Amount spent ({currency})"])
            clicks[line["Ad ID"]] += int(line["Link clicks"])
    return spend, clicks


def _paid_sessions(events: list[TimedEvent]) -> dict[str, list[tuple[datetime, str]]]:
    """Return each client's paid session starts with their ads, in time order."""
    first: dict[str, TimedEvent] = {}
    landing: dict[str, TimedEvent] = {}
    for event in sorted(events, key=lambda item: item.received_at):
        session = str(event.raw["session_id"])
        first.setdefault(session, event)
        if event.raw["event_name"] == "page_view":
            landing.setdefault(session, event)
    by_client: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for session, event in first.items():
        page = landing.get(session)
        if page is not None and page.raw.get("ad_id"):
            by_client[str(event.raw["client_id"])].append(
                (event.received_at, str(page.raw["ad_id"]))
            )
    return {client: sorted(starts) for client, starts in by_client.items()}


def expected_figures(traffic: CustomerTraffic, folder: Path) -> Expected:
    path = write_meta_export(traffic, folder)
    spend, clicks = _export_spend(path, traffic.customer.currency)
    events = _browser_events(traffic)
    paid = _paid_sessions(events)
    sessions: dict[str, int] = defaultdict(int)
    for starts in paid.values():
        for _, ad in starts:
            sessions[ad] += 1
    orders: dict[str, list[Decimal]] = defaultdict(list)
    unattributed: list[Decimal] = []
    for event in events:
        if event.raw["event_name"] != PURCHASE_EVENT:
            continue
        value = Decimal(str(event.raw["value"]))
        before = [
            start
            for start in paid.get(str(event.raw["client_id"]), [])
            if start[0] <= event.received_at
        ]
        if before and event.received_at - before[-1][0] <= WINDOW:
            orders[before[-1][1]].append(value)
        else:
            unattributed.append(value)
    return Expected(spend, clicks, sessions, orders, unattributed)


def _query(event: str = PURCHASE_EVENT) -> MetricsQuery:
    return MetricsQuery(
        event=event,
        start_date=SCALE.start_date,
        end_date=SCALE.start_date + timedelta(days=SCALE.days - 1),
        attribution=Attribution.DAY_7,
        page_size=1000,
    )


async def test_demo_goes_through_import_collector_and_attribution(
    db: AsyncEngine,
) -> None:
    ids = await generate_demo(db, SCALE, "demo@example.com", "demo-password")

    assert ids == ["23", "41"]
    imports = await _rows(
        db,
        "SELECT customer_id, platform, channel, rows_imported FROM creatives.ad_imports "
        "ORDER BY customer_id",
    )
    events = await _rows(
        db,
        "SELECT customer_id, count(*), count(DISTINCT source), min(source), "
        "count(*) FILTER (WHERE is_bot), count(DISTINCT event_name) "
        "FROM creatives.pixel_events GROUP BY customer_id ORDER BY customer_id",
    )
    conversions = await _rows(
        db,
        "SELECT customer_id, count(*) FROM creatives.attributed_conversion "
        f"WHERE event_name = '{PURCHASE_EVENT}' AND ad_id IS NOT NULL "
        "GROUP BY customer_id ORDER BY customer_id",
    )
    unattributed = await _rows(
        db,
        "SELECT customer_id, sum(unattributed_value_7), sum(unattributed_value_30) "
        f"FROM creatives.unattributed_daily WHERE event_name = '{PURCHASE_EVENT}' "
        "GROUP BY customer_id ORDER BY customer_id",
    )

    simulated = [
        simulate_customer(customer, index, SCALE)
        for index, customer in enumerate(demo_customers(SCALE.customers))
    ]
    assert imports == [
        (traffic.customer.id, "meta", "facebook", len(traffic.ad_days))
        for traffic in simulated
    ]
    assert [row[:4] for row in events] == [
        (traffic.customer.id, len(traffic.events), 1, "demo") for traffic in simulated
    ]
    for row in events:
        assert isinstance(row[4], int) and row[4] > 0, "some crawler visits are tagged"
        assert row[5] == 5, "page_view, add_to_cart, checkout_started, signup, orders"
    assert [row[0] for row in conversions] == ids
    assert all(isinstance(row[1], int) and row[1] > 0 for row in conversions)
    for customer_id, value_7, value_30 in unattributed:
        assert isinstance(value_7, Decimal) and isinstance(value_30, Decimal)
        assert value_7 >= value_30 > 0, customer_id


async def test_demo_dashboard_matches_a_recomputation(
    db: AsyncEngine, tmp_path: Path
) -> None:
    await generate_demo(db, SCALE, "demo@example.com", "demo-password")
    traffic = simulate_customer(demo_customers(1)[0], 0, SCALE)
    expected = expected_figures(traffic, tmp_path)

    async with db.connect() as conn:
        customer = await customers.get(conn, traffic.customer.id)
        assert customer is not None
        metrics = await service.get_metrics(conn, customer, _query())
        # The creative with the most spend among those whose copy several ads share.
        top = next(row for row in metrics.rows if len(row.ad_ids) > 1)
        conversions = await get_conversions(conn, customer, top.id, _query())

    # Totals: the export's spend, and attributed plus unattributed revenue is all revenue.
    all_orders = [value for values in expected.orders.values() for value in values]
    assert metrics.totals.spend == pytest.approx(float(sum(expected.spend.values())))
    assert metrics.totals.revenue == pytest.approx(float(sum(all_orders)))
    assert metrics.unattributed is not None
    assert metrics.unattributed.revenue == pytest.approx(
        float(sum(expected.unattributed))
    )
    assert metrics.totals.revenue + metrics.unattributed.revenue == pytest.approx(
        metrics.unattributed.actual_revenue
    )

    # That creative, recomputed ad by ad.
    ads = top.ad_ids
    assert top.spend == pytest.approx(float(sum(expected.spend[ad] for ad in ads)))
    assert top.clicks == sum(expected.clicks[ad] for ad in ads)
    assert top.sessions == sum(expected.sessions[ad] for ad in ads)
    orders = [value for ad in ads for value in expected.orders[ad]]
    assert top.conversions == len(orders)
    assert top.revenue == pytest.approx(float(sum(orders)))
    assert conversions.count == len(orders) > 0
    assert conversions.value == pytest.approx(float(sum(orders)))


async def test_demo_figures_look_like_a_real_account(db: AsyncEngine) -> None:
    await generate_demo(db, SCALE, "demo@example.com", "demo-password")

    async with db.connect() as conn:
        customer = await customers.get(conn, "23")
        assert customer is not None
        metrics = await service.get_metrics(conn, customer, _query())

    ctr = metrics.totals.ctr
    assert ctr is not None and 0.005 <= ctr <= 0.02
    roas = [row.roas for row in metrics.rows if row.roas is not None and row.spend > 50]
    assert min(roas) < 1 < max(roas), "some creatives lose money, some earn it"
    assert any(len(row.ad_ids) > 1 for row in metrics.rows)
    assert any(len(row.ad_copies) > 1 for row in metrics.rows), "carousels list all"
    # Ads missing from the creative table ran on a platform the demo does not import.
    uncopied = [row for row in metrics.rows if row.ad_copy is None]
    assert [row.ad_ids for row in uncopied] == [["1202000000000005"]]
    assert uncopied[0].spend == 0
    assert uncopied[0].roas is None
    assert uncopied[0].sessions > 0


async def test_demo_refuses_non_empty_database(db: AsyncEngine) -> None:
    small = DemoScale(customers=1, ads=2, days=2)
    await generate_demo(db, small, "demo@example.com", "demo-password")

    with pytest.raises(ConflictError, match="already has customers"):
        await generate_demo(db, small, "demo@example.com", "demo-password")


async def _counts(db: AsyncEngine) -> tuple[object, ...]:
    rows = await _rows(
        db,
        "SELECT (SELECT count(*) FROM creatives.ad_imports), "
        "(SELECT count(*) FROM creatives.pixel_events), "
        "(SELECT count(*) FROM creatives.unattributed_daily), "
        "(SELECT count(*) FROM creatives.pixel_event_integrated_data)",
    )
    return rows[0]


async def test_demo_command_default_imports(database_url: str, db: AsyncEngine) -> None:
    result = run_cli(
        database_url, "demo", "--customers", "1", "--ads", "3", "--days", "5"
    )

    assert result.returncode == 0, result.stderr
    assert "Demo customers: 23." in result.stdout
    imports, events, unattributed, facts = await _counts(db)
    assert imports == 1
    assert isinstance(events, int) and events > 0
    assert isinstance(unattributed, int) and unattributed > 0
    assert isinstance(facts, int) and facts > 0


async def test_demo_command_facts_only(database_url: str, db: AsyncEngine) -> None:
    result = run_cli(
        database_url,
        "demo",
        "--facts-only",
        "--customers",
        "1",
        "--ads",
        "3",
        "--days",
        "5",
        "--events",
        "2",
    )

    assert result.returncode == 0, result.stderr
    imports, events, unattributed, facts = await _counts(db)
    assert (imports, events, unattributed) == (0, 0, 0)
    assert isinstance(facts, int) and facts > 0
    names = await _rows(
        db, "SELECT DISTINCT ev FROM creatives.pixel_event_integrated_data ORDER BY ev"
    )
    assert names == [("add_to_cart",), ("order_completed",)]


def test_demo_command_events_needs_facts_only(database_url: str) -> None:
    result = run_cli(database_url, "demo", "--events", "2")

    assert result.returncode == 2
    assert "--events 2 applies only with --facts-only" in result.stderr


def test_demo_help_names_facts_only(database_url: str) -> None:
    result = run_cli(database_url, "demo", "--help", env={"COLUMNS": "200"})

    assert result.returncode == 0, result.stderr
    assert "--facts-only" in result.stdout
    assert "benchmark" in result.stdout

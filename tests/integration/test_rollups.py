"""The derived tables against a plain recomputation over the fact table.

Facts are random (seeded): gaps, duplicate rows for one ad and day, NULL figures, a fact
without ad id, and rows without event or day that no metric counts. One ad never has a
revenue value, and the signup event has one in only half of its rows, so sums of no value
(NULL) and sums of some values meet in the same ranges. Every check compares
what the repository reads from the derived tables with the same figures summed straight
from `pixel_event_integrated_data`.
"""

import importlib
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from creatives.creatives import repository
from creatives.creatives.metrics import ATTRIBUTION_COLUMNS, Attribution, Sums
from creatives.creatives.rollups import refresh_derived
from creatives.database import ANALYZE_THRESHOLD_ROWS, analyze_after_write
from creatives.loading.service import load_csv
from creatives.tables import pixel_event_integrated_data
from tests import factories

FIRST_DAY = date(2024, 1, 1)
DAYS = 60
EVENTS = ("order_completed", "add_to_cart", "signup")
CUSTOMERS = ("23", "41")
# The ad index whose facts never carry a revenue value, as in a platform export with
# empty conversion value cells.
UNVALUED_AD = 5
REVENUE_COLUMNS = [revenue for _, revenue in ATTRIBUTION_COLUMNS.values()]
RANGES_PER_CUSTOMER = 12

# The facts-only query the metrics used before the derived tables: the reference.
REFERENCE_METRICS = """
WITH ad_sums AS (
    SELECT ad_id, sum(spend) AS spend, sum(clicks) AS clicks,
           sum(impressions) AS impressions, sum(sessions) AS sessions,
           sum({conversions}) AS conversions, sum({revenue}) AS revenue
    FROM creatives.pixel_event_integrated_data
    WHERE customer_name = :customer AND ev = :event
      AND date_column BETWEEN :start_date AND :end_date
    GROUP BY ad_id
)
SELECT coalesce(ac.creative_id, 'a_' || left(md5(coalesce(s.ad_id, '')), 16))
           AS creative_id,
       array_agg(coalesce(s.ad_id, '') ORDER BY s.ad_id) AS ad_ids,
       sum(s.spend) AS spend, sum(s.clicks) AS clicks,
       sum(s.impressions) AS impressions, sum(s.sessions) AS sessions,
       sum(s.conversions) AS conversions, sum(s.revenue) AS revenue
FROM ad_sums s
LEFT JOIN creatives.ad_creative ac
  ON ac.customer_name = :customer AND ac.ad_id = s.ad_id
GROUP BY 1
"""

REFERENCE_DAILY = """
SELECT date_column AS day, sum(spend) AS spend, sum(clicks) AS clicks,
       sum(impressions) AS impressions, sum(sessions) AS sessions,
       sum({conversions}) AS conversions, sum({revenue}) AS revenue
FROM creatives.pixel_event_integrated_data f
LEFT JOIN creatives.ad_creative ac
  ON ac.customer_name = :customer AND ac.ad_id = f.ad_id
WHERE f.customer_name = :customer AND f.ev = :event
  AND f.date_column BETWEEN :start_date AND :end_date
  AND (CAST(:all_creatives AS boolean)
       OR coalesce(ac.creative_id, 'a_' || left(md5(coalesce(f.ad_id, '')), 16))
          = ANY(CAST(:creative_ids AS text[])))
GROUP BY date_column
ORDER BY date_column
"""


def _figure(rng: random.Random, scale: int) -> Decimal | None:
    if rng.random() < 0.05:
        return None
    return Decimal(rng.randint(0, scale * 100)) / 100


def _fact(
    rng: random.Random, customer: str, ad_id: str | None, day: date, ev: str
) -> dict[str, Any]:
    names = ["spend", "clicks", "impressions", "sessions"]
    names += [name for pair in ATTRIBUTION_COLUMNS.values() for name in pair]
    figures = {name: _figure(rng, 500) for name in names}
    unvalued = ad_id == f"{customer}-ad-{UNVALUED_AD}"
    if unvalued or (ev == "signup" and rng.random() < 0.5):
        figures.update(dict.fromkeys(REVENUE_COLUMNS))
    return factories.fact(customer, ad_id, day, ev, **figures)


def random_facts(
    rng: random.Random, customer: str, first: date, days: int
) -> list[dict[str, Any]]:
    """Facts of a few ads over `days` days from `first`, with gaps and duplicates."""
    ads: list[str | None] = [f"{customer}-ad-{index}" for index in range(6)]
    ads.append(None)
    rows = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        for ad_id in ads:
            for ev in EVENTS:
                if rng.random() < 0.45:
                    continue
                rows.append(_fact(rng, customer, ad_id, day, ev))
                if rng.random() < 0.1:
                    rows.append(_fact(rng, customer, ad_id, day, ev))
    return rows


def uncounted_facts(customer: str) -> list[dict[str, Any]]:
    without_event = factories.fact(customer, "x", FIRST_DAY, spend=Decimal(7))
    without_event["ev"] = None
    return [without_event]


async def _insert(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """Insert facts without refreshing, to control when the refresh runs."""
    await conn.execute(
        insert(pixel_event_integrated_data),
        [{key: row.get(key) for key in rows[0]} for row in rows],
    )


async def _setup(db: AsyncEngine, seed: int) -> random.Random:
    rng = random.Random(seed)
    async with db.begin() as conn:
        for customer in CUSTOMERS:
            await factories.customer(conn, customer)
            await _insert(conn, random_facts(rng, customer, FIRST_DAY, DAYS))
            await _insert(conn, uncounted_facts(customer))
            await factories.creative_rows(
                conn, customer, f"{customer}-ad-1", "['Shared copy']", [FIRST_DAY]
            )
            await factories.creative_rows(
                conn, customer, f"{customer}-ad-2", "['Shared copy']", [FIRST_DAY]
            )
            await refresh_derived(conn, customer)
            await factories.regroup(conn, customer)
    return rng


def _random_range(rng: random.Random) -> tuple[date, date]:
    # Ranges may start before the data and end after it, or miss it entirely.
    start = FIRST_DAY + timedelta(days=rng.randint(-10, DAYS + 40))
    end = start + timedelta(days=rng.randint(0, 80))
    return start, end


def _sums(row: Any) -> Sums:
    return repository.sums_from_row(row._mapping)


async def _reference_metrics(
    conn: AsyncConnection, params: dict[str, Any], attribution: Attribution
) -> dict[str, tuple[list[str], Sums]]:
    conversions, revenue = ATTRIBUTION_COLUMNS[attribution]
    sql = REFERENCE_METRICS.format(conversions=conversions, revenue=revenue)
    result = await conn.execute(text(sql), params)
    return {row.creative_id: (list(row.ad_ids), _sums(row)) for row in result}


async def _check_metrics(
    conn: AsyncConnection, customer: str, start: date, end: date
) -> None:
    for event in (*EVENTS, "never_seen"):
        for attribution in Attribution:
            params = {
                "customer": customer,
                "event": event,
                "start_date": start,
                "end_date": end,
            }
            expected = await _reference_metrics(conn, params, attribution)
            rows = await repository.creative_sums(
                conn, customer, event, start, end, attribution
            )
            actual = {row.creative_id: (row.ad_ids, row.sums) for row in rows}
            assert actual == expected, (customer, event, start, end, attribution)


async def _reference_daily(
    conn: AsyncConnection, params: dict[str, Any], creative_ids: list[str]
) -> list[tuple[date, Sums]]:
    conversions, revenue = ATTRIBUTION_COLUMNS[Attribution.DAY_7]
    sql = REFERENCE_DAILY.format(conversions=conversions, revenue=revenue)
    query_params = {
        **params,
        "all_creatives": not creative_ids,
        "creative_ids": creative_ids,
    }
    result = await conn.execute(text(sql), query_params)
    return [(row.day, _sums(row)) for row in result]


async def _check_daily(
    conn: AsyncConnection, rng: random.Random, customer: str, start: date, end: date
) -> None:
    creative_ids = [
        row.creative_id
        for row in await conn.execute(
            text(
                "SELECT creative_id FROM creatives.ad_creative WHERE customer_name = :c"
            ),
            {"c": customer},
        )
    ]
    chosen = rng.sample(creative_ids, 2)
    for event in EVENTS:
        params = {
            "customer": customer,
            "event": event,
            "start_date": start,
            "end_date": end,
        }
        for subset in ([], chosen):
            expected = await _reference_daily(conn, params, subset)
            actual = await repository.daily_sums(
                conn, customer, event, start, end, Attribution.DAY_7, subset
            )
            assert actual == expected, (customer, event, start, end, subset)


async def _check_event_ranges(conn: AsyncConnection, customer: str) -> None:
    expected = [
        (row.ev, row.first_day, row.last_day)
        for row in await conn.execute(
            text(
                """
                SELECT ev, min(date_column) AS first_day, max(date_column) AS last_day
                FROM creatives.pixel_event_integrated_data
                WHERE customer_name = :c AND ev IS NOT NULL AND date_column IS NOT NULL
                GROUP BY ev ORDER BY ev
                """
            ),
            {"c": customer},
        )
    ]
    assert await repository.event_ranges(conn, customer) == expected


async def _check_everything(db: AsyncEngine, rng: random.Random) -> None:
    async with db.connect() as conn:
        for customer in CUSTOMERS:
            await _check_event_ranges(conn, customer)
            for _ in range(RANGES_PER_CUSTOMER):
                start, end = _random_range(rng)
                await _check_metrics(conn, customer, start, end)
                await _check_daily(conn, rng, customer, start, end)


async def _derived_rows(conn: AsyncConnection, customer: str) -> list[tuple[Any, ...]]:
    result = await conn.execute(
        text(
            "SELECT * FROM creatives.ad_event_cumulative WHERE customer_name = :c "
            "ORDER BY ev, date_column, ad_id"
        ),
        {"c": customer},
    )
    return [tuple(row) for row in result]


@pytest.mark.parametrize("seed", [1, 2])
async def test_full_refresh_matches_facts(db: AsyncEngine, seed: int) -> None:
    rng = await _setup(db, seed)

    await _check_everything(db, rng)


@pytest.mark.parametrize("seed", [3, 4])
async def test_incremental_refresh_matches_facts(db: AsyncEngine, seed: int) -> None:
    rng = await _setup(db, seed)
    customer = CUSTOMERS[0]
    middle = FIRST_DAY + timedelta(days=25)
    added = random_facts(rng, customer, middle, 10)
    added.append(_fact(rng, customer, "new-ad", middle + timedelta(days=3), "signup"))
    added.append(_fact(rng, customer, "late-ad", FIRST_DAY + timedelta(days=75), "new"))

    async with db.begin() as conn:
        await _insert(conn, added)
        await refresh_derived(conn, customer, middle)
        await factories.regroup(conn, customer)

    await _check_everything(db, rng)
    async with db.begin() as conn:
        incremental = await _derived_rows(conn, customer)
        await refresh_derived(conn, customer)
        rebuilt = await _derived_rows(conn, customer)
    assert len(incremental) > 0
    assert incremental == rebuilt


async def test_refresh_after_appended_days(db: AsyncEngine) -> None:
    rng = await _setup(db, 5)
    customer = CUSTOMERS[1]
    after_gap = FIRST_DAY + timedelta(days=DAYS + 5)

    async with db.begin() as conn:
        await _insert(conn, random_facts(rng, customer, after_gap, 3))
        await refresh_derived(conn, customer, after_gap)
        await factories.regroup(conn, customer)

    await _check_everything(db, rng)


async def test_refresh_of_customer_without_facts(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "77")
        result = await refresh_derived(conn, "77")

    assert result.events == 0
    assert result.rows_written == 0


RUNNING_TOTALS = "creatives.ad_event_cumulative"
ROW_ESTIMATE = text(
    "SELECT reltuples FROM pg_class WHERE oid = CAST(:table AS regclass)"
)


async def test_refresh_analyzes_running_totals(db: AsyncEngine) -> None:
    """The metrics are planned with the rows a bulk refresh wrote, not the old count."""
    async with db.begin() as conn:
        await factories.customer(conn, "23")
        await _insert(conn, random_facts(random.Random(3), "23", FIRST_DAY, DAYS))
        result = await refresh_derived(conn, "23")
        params = {"table": RUNNING_TOTALS}
        estimate = (await conn.execute(ROW_ESTIMATE, params)).scalar_one()
        small_write = await analyze_after_write(conn, RUNNING_TOTALS, 10)

    # ANALYZE reads every row of a table this small, so the estimate is exact.
    assert result.rows_written > ANALYZE_THRESHOLD_ROWS
    assert estimate == result.rows_written
    assert not small_write


async def test_load_csv_refreshes_derived(db: AsyncEngine, tmp_path: Path) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23")
    first = tmp_path / "first.csv"
    first.write_text(
        "customer_name,ad_id,ev,date_column,spend\n"
        "23,A,order_completed,2024-05-01,10\n"
        "23,A,order_completed,2024-05-05,20\n",
        encoding="utf-8",
    )
    middle = tmp_path / "middle.csv"
    middle.write_text(
        "customer_name,ad_id,ev,date_column,spend\n"
        "23,A,order_completed,2024-05-03,300\n"
        "23,B,signup,2024-05-04,4000\n",
        encoding="utf-8",
    )

    await load_csv(db, "pixel_event_integrated_data", first)
    await load_csv(db, "pixel_event_integrated_data", middle)

    async with db.connect() as conn:
        ranges = await repository.event_ranges(conn, "23")
        rows = await repository.creative_sums(
            conn,
            "23",
            "order_completed",
            date(2024, 5, 2),
            date(2024, 5, 5),
            Attribution.DAY_7,
        )
    assert ranges == [
        ("order_completed", date(2024, 5, 1), date(2024, 5, 5)),
        ("signup", date(2024, 5, 4), date(2024, 5, 4)),
    ]
    assert [row.ad_ids for row in rows] == [["A"]]
    assert rows[0].sums.spend == Decimal(320)


async def _running_spend(conn: AsyncConnection, ev: str) -> list[tuple[date, Decimal]]:
    result = await conn.execute(
        text(
            "SELECT date_column, spend FROM creatives.ad_event_cumulative "
            "WHERE customer_name = '23' AND ev = :ev ORDER BY date_column"
        ),
        {"ev": ev},
    )
    return [(row.date_column, row.spend) for row in result]


async def test_refresh_of_events_with_disjoint_days(db: AsyncEngine) -> None:
    day = date(2024, 5, 1)
    async with db.begin() as conn:
        await factories.customer(conn, "23")
        await factories.facts(
            conn,
            [
                factories.fact("23", "A", day, "early", spend=Decimal(1)),
                factories.fact("23", "A", day + timedelta(days=1), "early", spend=2),
                factories.fact("23", "A", day + timedelta(days=9), "late", spend=5),
            ],
        )
        early = await _running_spend(conn, "early")
        late = await _running_spend(conn, "late")
        # A later fact of the early event: the days between are filled with the old total.
        await factories.facts(
            conn,
            [factories.fact("23", "A", day + timedelta(days=4), "early", spend=4)],
        )
        extended = await _running_spend(conn, "early")

    assert early == [(day, 1), (day + timedelta(days=1), 3)]
    assert late == [(day + timedelta(days=9), 5)]
    assert extended == [
        (day, 1),
        (day + timedelta(days=1), 3),
        (day + timedelta(days=2), 3),
        (day + timedelta(days=3), 3),
        (day + timedelta(days=4), 7),
    ]


async def test_reload_replaces_same_key_rows(db: AsyncEngine, tmp_path: Path) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23")
    export = tmp_path / "export.csv"
    export.write_text(
        "customer_name,ad_id,ev,source,medium,date_column,spend\n"
        "23,A,order_completed,facebook,paid,2024-05-01,10\n"
        "23,A,order_completed,google,cpc,2024-05-01,5\n"
        "23,A,order_completed,facebook,paid,2024-05-02,20\n",
        encoding="utf-8",
    )
    corrected = tmp_path / "corrected.csv"
    corrected.write_text(
        "customer_name,ad_id,ev,source,medium,date_column,spend\n"
        "23,A,order_completed,facebook,paid,2024-05-02,25\n",
        encoding="utf-8",
    )

    first = await load_csv(db, "pixel_event_integrated_data", export)
    again = await load_csv(db, "pixel_event_integrated_data", export)
    fixed = await load_csv(db, "pixel_event_integrated_data", corrected)

    async with db.connect() as conn:
        rows = await repository.creative_sums(
            conn,
            "23",
            "order_completed",
            date(2024, 5, 1),
            date(2024, 5, 2),
            Attribution.DAY_7,
        )
    assert (first.replaced, again.replaced, fixed.replaced) == (0, 3, 1)
    # 10 + 5 on the first day, and the corrected 25 instead of 20 on the second.
    assert rows[0].sums.spend == Decimal(40)


async def test_unvalued_ad_has_no_revenue(db: AsyncEngine) -> None:
    await _setup(db, 6)
    customer = CUSTOMERS[0]
    last_day = FIRST_DAY + timedelta(days=DAYS - 1)

    async with db.connect() as conn:
        rows = await repository.creative_sums(
            conn, customer, "order_completed", FIRST_DAY, last_day, Attribution.DAY_7
        )
        days = await repository.daily_sums(
            conn,
            customer,
            "order_completed",
            FIRST_DAY,
            last_day,
            Attribution.DAY_7,
            [],
        )

    revenue = {tuple(row.ad_ids): row.sums.revenue for row in rows}
    assert revenue[(f"{customer}-ad-{UNVALUED_AD}",)] is None
    assert revenue[(f"{customer}-ad-0",)] is not None
    assert all(sums.revenue is not None for _, sums in days)


async def test_migration_backfills_valued_rows(db: AsyncEngine) -> None:
    await _setup(db, 7)
    migration = importlib.import_module(
        "creatives.migrations.versions.0004_valued_rows"
    )
    counts = ", ".join(f"{name}_rows = 0" for name in REVENUE_COLUMNS)

    async with db.begin() as conn:
        refreshed = await _derived_rows(conn, CUSTOMERS[0])
        await conn.execute(text(f"UPDATE creatives.ad_event_cumulative SET {counts}"))
        await conn.execute(text(migration._backfill_sql()))
        backfilled = await _derived_rows(conn, CUSTOMERS[0])

    assert len(refreshed) > 0
    assert backfilled == refreshed

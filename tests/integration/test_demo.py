"""`creatives demo --facts-only`: synthetic fact rows written with SQL, for benchmarks."""

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.demo.generator import DemoScale
from creatives.demo.service import generate_fact_rows
from creatives.errors import ConflictError

SMALL = DemoScale(customers=3, ads=50, days=120, seed=11)


async def _scalar(db: AsyncEngine, sql: str) -> object:
    async with db.connect() as conn:
        return (await conn.execute(text(sql))).scalar_one()


async def test_demo_fills_customers_and_user(db: AsyncEngine) -> None:
    await generate_fact_rows(db, SMALL, "demo@example.com", "demo-password")

    async with db.connect() as conn:
        customers = (
            await conn.execute(
                text(
                    "SELECT id, currency, time_zone FROM creatives.customers ORDER BY id"
                )
            )
        ).all()
        users = (
            (await conn.execute(text("SELECT email FROM creatives.users")))
            .scalars()
            .all()
        )
    assert [tuple(row) for row in customers] == [
        ("23", "USD", "America/New_York"),
        ("41", "EUR", "Europe/Berlin"),
        ("57", "NZD", "Pacific/Auckland"),
    ]
    assert users == ["demo@example.com"]
    assert (
        await _scalar(
            db,
            "SELECT count(DISTINCT ad_id) FROM creatives.pixel_event_integrated_data WHERE customer_name = '23'",
        )
        == 50
    )
    assert (
        await _scalar(
            db,
            "SELECT count(DISTINCT date_column) FROM creatives.pixel_event_integrated_data",
        )
        == 120
    )
    events = await _scalar(
        db,
        "SELECT string_agg(DISTINCT ev, ',') FROM creatives.pixel_event_integrated_data",
    )
    assert events == "add_to_cart,checkout_started,order_completed,page_view,signup"


async def test_demo_attribution_windows_consistent(db: AsyncEngine) -> None:
    await generate_fact_rows(db, SMALL, "demo@example.com", "demo-password")

    violations = await _scalar(
        db,
        """
        SELECT count(*) FROM creatives.pixel_event_integrated_data
        WHERE NOT (event_value_attr_window_1 <= event_value_attr_window_7
               AND event_value_attr_window_7 <= event_value_attr_window_30
               AND event_value_attr_window_30 <= event_value
               AND number_of_events_attr_window_1 <= number_of_events_attr_window_7
               AND number_of_events_attr_window_7 <= number_of_events_attr_window_30
               AND number_of_events_attr_window_30 <= number_of_events)
           OR event_value_attr_window_1 IS NULL OR number_of_events IS NULL
        """,
    )
    assert violations == 0


async def test_demo_has_the_awkward_cases(db: AsyncEngine) -> None:
    await generate_fact_rows(db, SMALL, "demo@example.com", "demo-password")

    zero_spend = await _scalar(
        db, "SELECT count(*) FROM creatives.pixel_event_integrated_data WHERE spend = 0"
    )
    missing = await _scalar(
        db,
        """
        SELECT count(DISTINCT f.ad_id) FROM creatives.pixel_event_integrated_data f
        WHERE NOT EXISTS (SELECT 1 FROM creatives.dim_combined_creative d WHERE d.ad_id = f.ad_id)
        """,
    )
    carousels = await _scalar(
        db,
        "SELECT count(*) FROM creatives.creative WHERE jsonb_array_length(ad_copies) > 1",
    )
    one_row_per_ad_day = await _scalar(
        db,
        "SELECT count(*) = count(DISTINCT (ad_id, date_column)) FROM creatives.dim_combined_creative",
    )
    assert isinstance(zero_spend, int) and zero_spend > 0
    assert isinstance(missing, int) and missing > 0
    assert isinstance(carousels, int) and carousels > 0
    assert one_row_per_ad_day is True


async def test_demo_same_seed_same_rows(db: AsyncEngine) -> None:
    checksum_sql = """
        SELECT sum(spend) AS spend, sum(event_value_attr_window_7) AS revenue,
               md5(string_agg(ad_id || date_column || ev || spend, ',' ORDER BY ad_id, date_column, ev))
        FROM creatives.pixel_event_integrated_data
    """
    scale = DemoScale(customers=1, ads=10, days=30, seed=5)
    await generate_fact_rows(db, scale, "demo@example.com", "demo-password")
    async with db.connect() as conn:
        first = (await conn.execute(text(checksum_sql))).one()
    async with db.begin() as conn:
        await conn.execute(
            text(
                "TRUNCATE creatives.customers, creatives.users, creatives.pixel_event_integrated_data, creatives.dim_combined_creative, creatives.creative, creatives.ad_creative CASCADE"
            )
        )
    await generate_fact_rows(db, scale, "demo@example.com", "demo-password")
    async with db.connect() as conn:
        second = (await conn.execute(text(checksum_sql))).one()

    assert tuple(first) == tuple(second)
    assert first.spend > Decimal(0)


async def test_demo_refuses_non_empty_database(db: AsyncEngine) -> None:
    await generate_fact_rows(
        db, DemoScale(customers=1, ads=2, days=2), "demo@example.com", "demo-password"
    )

    with pytest.raises(ConflictError, match="already has customers"):
        await generate_fact_rows(
            db,
            DemoScale(customers=1, ads=2, days=2),
            "demo@example.com",
            "demo-password",
        )

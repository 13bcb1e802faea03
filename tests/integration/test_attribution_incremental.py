"""Incremental integration: late events update the right days, and a rerun rewrites nothing."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from creatives.attribution.integration import integrate
from creatives.pixel.repository import ensure_partition
from tests import factories

# client, session, time, event, value, ad id
Event = tuple[str, str, datetime, str, Decimal | None, str | None]


def at(day: int, hour: int) -> datetime:
    return datetime(2024, 5, day, hour, tzinfo=UTC)


HISTORY: list[Event] = [
    ("c1", "s1", at(1, 10), "page_view", None, "A"),
    ("c1", "s1", at(1, 11), "order_completed", Decimal("40"), None),
    ("c2", "s2", at(2, 9), "page_view", None, "B"),
    ("c3", "s3", at(5, 12), "page_view", None, None),
    ("c3", "s3", at(5, 12), "order_completed", Decimal("25"), None),
]

# Received later: client 3's earlier click on ad B (day 3), which now credits the purchase
# of day 5, and a new day 6.
LATE: list[Event] = [
    ("c3", "s4", at(3, 8), "page_view", None, "B"),
    ("c2", "s5", at(6, 9), "page_view", None, None),
    ("c2", "s5", at(6, 9), "order_completed", Decimal("10"), None),
]

FACTS_DIGEST = text(
    """
    SELECT string_agg(concat_ws('|', date_column, ad_id, ev, campaign_name, spend, sessions,
                                event_value_attr_window_7, event_value_attr_window_30),
                      ',' ORDER BY date_column, ad_id, ev)
    FROM creatives.pixel_event_integrated_data WHERE customer_name = '23'
    """
)


async def add_events(conn: AsyncConnection, events: list[Event]) -> None:
    raw = await conn.get_raw_connection()
    await ensure_partition(raw.driver_connection, date(2024, 5, 1))  # type: ignore[arg-type]
    await conn.execute(
        text(
            """
            INSERT INTO creatives.pixel_events (
                customer_id, event_id, event_time, received_at, event_name, source,
                client_id, session_id, ad_id, value, currency
            ) VALUES ('23', gen_random_uuid(), :at, now(), :name, 'test', :client,
                      :session, :ad, CAST(:value AS numeric),
                      CASE WHEN CAST(:value AS numeric) IS NULL THEN NULL ELSE 'EUR' END)
            """
        ),
        [
            {
                "client": client,
                "session": session,
                "at": moment,
                "name": name,
                "value": value,
                "ad": ad,
            }
            for client, session, moment, name, value, ad in events
        ],
    )


async def add_spend(conn: AsyncConnection) -> None:
    """Give ad B one day of spend, 2 May, before the days the incremental run rebuilds."""
    import_id = (
        await conn.execute(
            text(
                """
                INSERT INTO creatives.ad_imports (
                    customer_id, channel, platform, file_name, file_sha256, rows_read,
                    rows_imported, rows_skipped, ads_periods_stored, skipped_reasons, totals
                ) VALUES ('23', 'meta', 'meta', 'b.csv', repeat('0', 64), 1, 1, 0, 1, '{}', '{}')
                RETURNING id
                """
            )
        )
    ).scalar_one()
    await conn.execute(
        text(
            """
            INSERT INTO creatives.ad_performance (
                customer_id, channel, ad_key, period_start, period_end, ad_id, campaign_name,
                currency, spend, customer_currency, exchange_rate, spend_converted,
                import_id, source_line, source_rows
            ) VALUES ('23', 'meta', 'B', '2024-05-02', '2024-05-02', 'B', 'Spring',
                      'EUR', 30, 'EUR', 1, 30, :import_id, 2, 1)
            """
        ),
        {"import_id": import_id},
    )


async def setup_history(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23", currency="EUR", time_zone="UTC")
        await add_events(conn, HISTORY)
        await add_spend(conn)
    await integrate(db, "23")


async def read(db: AsyncEngine, query: str) -> list[tuple[object, ...]]:
    async with db.connect() as conn:
        return [tuple(row) for row in await conn.execute(text(query))]


async def test_late_click_credits_later_purchase(db: AsyncEngine) -> None:
    await setup_history(db)
    async with db.begin() as conn:
        await add_events(conn, LATE)

    await integrate(db, "23", date(2024, 5, 3), date(2024, 5, 6))

    rows = await read(
        db,
        """
        SELECT ad_id, date_column, campaign_name, event_value_attr_window_7
        FROM creatives.pixel_event_integrated_data
        WHERE customer_name = '23' AND ev = 'order_completed'
          AND event_value_attr_window_7 > 0
        ORDER BY ad_id, date_column
        """,
    )
    assert rows == [
        ("A", date(2024, 5, 1), None, Decimal("40")),
        ("B", date(2024, 5, 5), "Spring", Decimal("25")),
        ("B", date(2024, 5, 6), "Spring", Decimal("10")),
    ]


async def test_incremental_equals_full_rebuild(db: AsyncEngine) -> None:
    await setup_history(db)
    async with db.begin() as conn:
        await add_events(conn, LATE)
    await integrate(db, "23", date(2024, 5, 3), date(2024, 5, 6))
    incremental = await read(db, str(FACTS_DIGEST))
    cumulative = await read(
        db,
        "SELECT count(*), sum(event_value_attr_window_7) FROM creatives.ad_event_cumulative "
        "WHERE customer_name = '23'",
    )

    await integrate(db, "23")

    assert await read(db, str(FACTS_DIGEST)) == incremental
    assert (
        await read(
            db,
            "SELECT count(*), sum(event_value_attr_window_7) FROM creatives.ad_event_cumulative "
            "WHERE customer_name = '23'",
        )
        == cumulative
    )


async def test_rerun_rewrites_no_row(db: AsyncEngine) -> None:
    await setup_history(db)
    locations = (
        "SELECT ctid::text FROM creatives.pixel_event_integrated_data ORDER BY 1"
    )
    cumulative = "SELECT ctid::text FROM creatives.ad_event_cumulative ORDER BY 1"
    before = await read(db, locations)
    cumulative_before = await read(db, cumulative)

    await integrate(db, "23")

    assert before
    assert await read(db, locations) == before
    assert await read(db, cumulative) == cumulative_before


# Client 4 first came from ad A on 4 May and bought twice. Received later: an earlier visit
# from ad B on 2 May with a purchase, so the visit and purchase of 4 May become returning.
RETURNING_HISTORY: list[Event] = [
    ("c4", "s6", at(4, 10), "page_view", None, "A"),
    ("c4", "s6", at(4, 11), "order_completed", Decimal("50"), None),
    ("c4", "s7", at(6, 10), "page_view", None, "A"),
    ("c4", "s7", at(6, 11), "order_completed", Decimal("20"), None),
]
EARLIER_VISIT: list[Event] = [
    ("c4", "s8", at(2, 10), "page_view", None, "B"),
    ("c4", "s8", at(2, 11), "order_completed", Decimal("15"), None),
]

NEW_AND_RETURNING = """
    SELECT date_column, ad_id, ev, new_users, new_customer, returning_customer,
           new_customer_revenue, returning_customer_revenue
    FROM creatives.pixel_event_integrated_data
    WHERE customer_name = '23' AND (new_users > 0 OR new_customer > 0 OR returning_customer > 0)
    ORDER BY date_column, ad_id, ev
"""
CONVERSIONS = """
    SELECT event_name, converted_at, ad_id, window_days, is_new_customer, value
    FROM creatives.attributed_conversion WHERE customer_id = '23'
    ORDER BY converted_at, event_name
"""
FIRSTS = """
    SELECT client_id, event_name, first_at FROM creatives.client_first_events
    WHERE customer_id = '23' ORDER BY client_id, event_name
"""


async def test_earlier_late_visit_equals_full_rebuild(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23", currency="EUR", time_zone="UTC")
        await add_events(conn, RETURNING_HISTORY)
    await integrate(db, "23")
    async with db.begin() as conn:
        await add_events(conn, EARLIER_VISIT)

    # Only the late events' day is given: the run extends itself to 4 May.
    result = await integrate(db, "23", date(2024, 5, 2), date(2024, 5, 2))
    incremental = {
        query: await read(db, query)
        for query in (NEW_AND_RETURNING, CONVERSIONS, FIRSTS, str(FACTS_DIGEST))
    }
    await integrate(db, "23")

    assert result.end_day == date(2024, 5, 4)
    for query, rows in incremental.items():
        assert await read(db, query) == rows, query
    assert incremental[NEW_AND_RETURNING] == [
        (
            date(2024, 5, 2),
            "B",
            "order_completed",
            1,
            1,
            0,
            Decimal("15"),
            Decimal("0"),
        ),
        (date(2024, 5, 2), "B", "page_view", 1, 0, 0, Decimal("0"), Decimal("0")),
        (
            date(2024, 5, 4),
            "A",
            "order_completed",
            0,
            0,
            1,
            Decimal("0"),
            Decimal("50"),
        ),
        (
            date(2024, 5, 6),
            "A",
            "order_completed",
            0,
            0,
            1,
            Decimal("0"),
            Decimal("20"),
        ),
    ]
    assert incremental[FIRSTS] == [
        ("c4", "order_completed", at(2, 11)),
        ("c4", "page_view", at(2, 10)),
    ]


async def test_first_events_table_follows_full_rebuild(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23", currency="EUR", time_zone="UTC")
        await add_events(conn, RETURNING_HISTORY + EARLIER_VISIT)
    await integrate(db, "23")
    async with db.begin() as conn:
        await conn.execute(
            text(
                "DELETE FROM creatives.pixel_events WHERE customer_id = '23' "
                "AND event_time < '2024-05-03'"
            )
        )

    await integrate(db, "23")

    assert await read(db, FIRSTS) == [
        ("c4", "order_completed", at(4, 11)),
        ("c4", "page_view", at(4, 10)),
    ]

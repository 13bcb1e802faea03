"""The attribution model on the worked example: staged events and spend, exact results."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from creatives.attribution.engine import (
    AttributionSettings,
    DayRange,
    create_staging,
    integrate_staged,
)
from creatives.creatives import service
from creatives.creatives.metrics import Attribution
from creatives.creatives.service import MetricsQuery
from creatives.customers import repository as customers
from tests import factories

EVENT_COLUMNS = (
    "event_id, client_id, session_id, event_time, event_name, value, order_id, ad_key"
)


def at(day: int, hour: int, minute: int = 0, month: int = 5) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


WORKED_EXAMPLE_EVENTS = [
    # client 1: lands from ad A and buys in the same session, then buys again two days later
    ("e1", "c1", "s1", at(1, 10), "page_view", None, None, "A"),
    ("e2", "c1", "s1", at(1, 10, 20), "order_completed", Decimal("60"), "o1", None),
    ("e3", "c1", "s2", at(3, 9), "page_view", None, None, None),
    ("e4", "c1", "s2", at(3, 9, 10), "order_completed", Decimal("30"), "o2", None),
    # client 2: ad B, then ad A, then a purchase exactly 7 x 24 hours after the A click
    ("e5", "c2", "s3", at(1, 12), "page_view", None, None, "B"),
    ("e6", "c2", "s4", at(2, 12), "page_view", None, None, "A"),
    ("e7", "c2", "s5", at(9, 11, 55), "page_view", None, None, None),
    ("e8", "c2", "s5", at(9, 12), "order_completed", Decimal("90"), "o3", None),
    # client 3: ad B, then a purchase 34 days later
    ("e9", "c3", "s6", at(2, 8), "page_view", None, None, "B"),
    ("e10", "c3", "s7", at(5, 7, 59, month=6), "page_view", None, None, None),
    (
        "e11",
        "c3",
        "s7",
        at(5, 8, month=6),
        "order_completed",
        Decimal("20"),
        "o4",
        None,
    ),
]

WORKED_EXAMPLE_SPEND = [
    ("A", date(2024, 5, 1), Decimal("100")),
    ("A", date(2024, 5, 2), Decimal("50")),
    ("B", date(2024, 5, 1), Decimal("40")),
]


async def stage(
    conn: AsyncConnection,
    events: list[tuple[object, ...]],
    spend: list[tuple[str, date, Decimal]],
) -> None:
    await create_staging(conn)
    placeholders = ", ".join(f":p{index}" for index in range(8))
    await conn.execute(
        text(
            f"INSERT INTO attribution_input ({EVENT_COLUMNS}) VALUES ({placeholders})"
        ),
        [{f"p{index}": value for index, value in enumerate(row)} for row in events],
    )
    await conn.execute(
        text(
            """
            INSERT INTO attribution_clients
            SELECT client_id, min(event_time),
                   min(event_time) FILTER (WHERE event_name = 'order_completed')
            FROM attribution_input GROUP BY client_id
            """
        )
    )
    if spend:
        await conn.execute(
            text(
                "INSERT INTO attribution_spend (ad_id, day, spend) VALUES (:ad, :day, :spend)"
            ),
            [{"ad": ad, "day": day, "spend": amount} for ad, day, amount in spend],
        )


async def integrate_example(db: AsyncEngine, time_zone: str = "UTC") -> None:
    settings = AttributionSettings(customer_id="23", time_zone=time_zone)
    days = DayRange(date(2024, 5, 1), date(2024, 6, 30), time_zone)
    async with db.begin() as conn:
        await factories.customer(conn, "23", currency="EUR", time_zone=time_zone)
        await stage(conn, WORKED_EXAMPLE_EVENTS, WORKED_EXAMPLE_SPEND)
        await integrate_staged(conn, settings, days)
        await factories.regroup(conn, "23")


async def metrics_by_ad(
    db: AsyncEngine, attribution: Attribution
) -> dict[str, tuple[float, ...]]:
    query = MetricsQuery(
        "order_completed", date(2024, 5, 1), date(2024, 6, 30), attribution
    )
    async with db.connect() as conn:
        customer = await customers.get(conn, "23")
        assert customer is not None
        result = await service.get_metrics(conn, customer, query)
    return {
        row.ad_ids[0]: (row.spend, row.sessions, row.revenue, row.conversions, row.roas)
        for row in result.rows
    }


async def test_worked_example_seven_days(db: AsyncEngine) -> None:
    await integrate_example(db)

    by_ad = await metrics_by_ad(db, Attribution.DAY_7)

    assert by_ad["A"] == (150.0, 2.0, 180.0, 3.0, 1.2)
    assert by_ad["B"] == (40.0, 2.0, 0.0, 0.0, 0.0)


async def test_worked_example_other_windows(db: AsyncEngine) -> None:
    await integrate_example(db)

    one_day = await metrics_by_ad(db, Attribution.DAY_1)
    thirty_days = await metrics_by_ad(db, Attribution.DAY_30)
    same_session = await metrics_by_ad(db, Attribution.SESSION)

    assert one_day["A"][2] == 60.0
    assert thirty_days["A"][2] == 180.0
    assert same_session["A"][2] == 60.0
    assert one_day["B"][2] == 0.0
    assert thirty_days["B"][2] == 0.0
    assert same_session["B"][2] == 0.0


async def test_worked_example_unattributed_closes_total(db: AsyncEngine) -> None:
    await integrate_example(db)

    async with db.connect() as conn:
        row = (
            await conn.execute(
                text(
                    """
                    SELECT sum(value) AS actual, sum(unattributed_value_7) AS unattributed
                    FROM creatives.unattributed_daily
                    WHERE customer_id = '23' AND event_name = 'order_completed'
                    """
                )
            )
        ).one()
        attributed = (
            await conn.execute(
                text(
                    "SELECT sum(event_value_attr_window_7) FROM creatives.pixel_event_integrated_data "
                    "WHERE customer_name = '23' AND ev = 'order_completed'"
                )
            )
        ).scalar_one()

    assert row.unattributed == Decimal("20")
    assert row.actual == Decimal("200")
    assert attributed + row.unattributed == row.actual


async def test_worked_example_days_of_each_figure(db: AsyncEngine) -> None:
    await integrate_example(db)

    async with db.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    """
                    SELECT ad_id, date_column, spend, sessions, event_value_attr_window_7
                    FROM creatives.pixel_event_integrated_data
                    WHERE customer_name = '23' AND ev = 'order_completed'
                    ORDER BY ad_id, date_column
                    """
                )
            )
        ).all()

    assert [tuple(row) for row in rows] == [
        ("A", date(2024, 5, 1), Decimal("100"), 1, Decimal("60")),
        ("A", date(2024, 5, 2), Decimal("50"), 1, Decimal("0")),
        ("A", date(2024, 5, 3), Decimal("0"), 0, Decimal("30")),
        ("A", date(2024, 5, 9), Decimal("0"), 0, Decimal("90")),
        ("B", date(2024, 5, 1), Decimal("40"), 1, Decimal("0")),
        ("B", date(2024, 5, 2), Decimal("0"), 1, Decimal("0")),
    ]


async def test_spend_repeats_on_every_event_row(db: AsyncEngine) -> None:
    await integrate_example(db)

    async with db.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT ev, spend FROM creatives.pixel_event_integrated_data "
                    "WHERE customer_name = '23' AND ad_id = 'B' AND date_column = '2024-05-01' ORDER BY ev"
                )
            )
        ).all()

    assert [tuple(row) for row in rows] == [
        ("order_completed", Decimal("40")),
        ("page_view", Decimal("40")),
    ]


async def test_rerun_gives_same_rows(db: AsyncEngine) -> None:
    await integrate_example(db)
    checksum = text(
        "SELECT md5(string_agg(ad_id || date_column || ev || spend || event_value_attr_window_7, ',' "
        "ORDER BY ad_id, date_column, ev)) FROM creatives.pixel_event_integrated_data"
    )
    async with db.connect() as conn:
        first = (await conn.execute(checksum)).scalar_one()

    async with db.begin() as conn:
        await stage(conn, WORKED_EXAMPLE_EVENTS, WORKED_EXAMPLE_SPEND)
        await integrate_staged(
            conn,
            AttributionSettings(customer_id="23", time_zone="UTC"),
            DayRange(date(2024, 5, 1), date(2024, 6, 30), "UTC"),
        )
    async with db.connect() as conn:
        second = (await conn.execute(checksum)).scalar_one()

    assert first == second


async def test_local_day_in_singapore(db: AsyncEngine) -> None:
    events = [
        (
            "p1",
            "c9",
            "s9",
            datetime(2024, 3, 10, 17, 0, tzinfo=UTC),
            "page_view",
            None,
            None,
            "A",
        ),
        (
            "p2",
            "c9",
            "s9",
            datetime(2024, 3, 10, 17, 30, tzinfo=UTC),
            "order_completed",
            Decimal("15"),
            "o9",
            None,
        ),
    ]
    async with db.begin() as conn:
        await factories.customer(conn, "23", currency="SGD", time_zone="Asia/Singapore")
        await stage(conn, events, [])
        await integrate_staged(
            conn,
            AttributionSettings(customer_id="23", time_zone="Asia/Singapore"),
            DayRange(date(2024, 3, 1), date(2024, 3, 31), "Asia/Singapore"),
        )

    async with db.connect() as conn:
        day = (
            await conn.execute(
                text(
                    "SELECT date_column FROM creatives.pixel_event_integrated_data "
                    "WHERE ev = 'order_completed' AND event_value_attr_window_1 > 0"
                )
            )
        ).scalar_one()
    assert day == date(2024, 3, 11)


async def test_conversions_endpoint_sums_equal_metrics(db: AsyncEngine) -> None:
    from dataclasses import replace

    from creatives.attribution.service import get_conversions

    await integrate_example(db)
    query = MetricsQuery(
        "order_completed", date(2024, 5, 1), date(2024, 6, 30), Attribution.DAY_7
    )
    async with db.connect() as conn:
        customer = await customers.get(conn, "23")
        assert customer is not None
        metrics = await service.get_metrics(conn, customer, query)
        row_a = next(row for row in metrics.rows if row.ad_ids == ["A"])
        listed = await get_conversions(conn, customer, row_a.id, query)
        pages = [
            await get_conversions(
                conn, customer, row_a.id, replace(query, page=page, page_size=2)
            )
            for page in (1, 2, 3)
        ]

    assert listed.value == row_a.revenue
    assert listed.count == row_a.conversions
    assert [
        (c.order_id, c.window_days, c.same_session) for c in listed.conversions
    ] == [
        ("o1", 1, True),
        ("o2", 7, False),
        ("o3", 7, False),
    ]
    assert listed.conversions[2].clicked_at == at(2, 12)
    assert metrics.unattributed is not None
    assert metrics.unattributed.revenue == 20.0
    assert metrics.unattributed.actual_revenue == 200.0

    # Each page lists its part, and the count and value still cover every page.
    assert [[c.order_id for c in page.conversions] for page in pages] == [
        ["o1", "o2"],
        ["o3"],
        [],
    ]
    for page in pages:
        assert page.count == row_a.conversions
        assert page.value == row_a.revenue
        assert page.page_size == 2
    assert [page.page for page in pages] == [1, 2, 3]


async def test_scheduler_integrates_new_events(db: AsyncEngine) -> None:
    from creatives.attribution.scheduler import integrate_changes

    async with db.begin() as conn:
        await factories.customer(conn, "23", currency="EUR", time_zone="UTC")
        await insert_now_events(
            conn,
            "23",
            "('page_view', 'test', 'c1', 's1', 'A', NULL::numeric, NULL, false), "
            "('order_completed', 'test', 'c1', 's1', NULL, 25, 'EUR', false)",
        )

    customers = await integrate_changes(db, datetime.now(UTC) - timedelta(minutes=5))

    async with db.connect() as conn:
        revenue = (
            await conn.execute(
                text(
                    "SELECT sum(event_value_attr_window_1) FROM creatives.pixel_event_integrated_data "
                    "WHERE customer_name = '23' AND ev = 'order_completed' AND ad_id = 'A'"
                )
            )
        ).scalar_one()
    assert customers == 1
    assert revenue == Decimal("25")


async def insert_now_events(conn: AsyncConnection, customer: str, rows: str) -> None:
    """Insert pixel events received now; `rows` are VALUES tuples after the customer id."""
    from creatives.pixel.repository import ensure_partition

    raw = await conn.get_raw_connection()
    await ensure_partition(
        raw.driver_connection, datetime.now(UTC).date().replace(day=1)
    )  # type: ignore[arg-type]
    await conn.execute(
        text(
            f"""
            INSERT INTO creatives.pixel_events (
                customer_id, event_id, event_time, received_at, event_name, source,
                client_id, session_id, ad_id, value, currency, is_bot
            )
            SELECT '{customer}', gen_random_uuid(), now(), now(), v.*
            FROM (VALUES {rows}) AS v
            """
        )
    )


async def test_scheduler_skips_failing_customer(
    db: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from structlog.testing import capture_logs

    from creatives.attribution import scheduler

    landing_and_order = (
        "('page_view', 'test', 'c1', 's1', 'A', NULL::numeric, NULL, false), "
        "('order_completed', 'test', 'c1', 's1', NULL, 25, 'EUR', false)"
    )
    async with db.begin() as conn:
        for customer in ("23", "41"):
            await factories.customer(conn, customer, currency="EUR", time_zone="UTC")
            await insert_now_events(conn, customer, landing_and_order)

    real_integrate = scheduler.integrate

    async def integrate_or_fail(
        engine: AsyncEngine, customer: str, start: date, end: date
    ) -> object:
        if customer == "23":
            raise RuntimeError("broken data of customer 23")
        return await real_integrate(engine, customer, start, end)

    monkeypatch.setattr(scheduler, "integrate", integrate_or_fail)
    failed: dict[str, tuple[date, date]] = {}
    with capture_logs() as logs:
        integrated = await scheduler.integrate_changes(
            db, datetime.now(UTC) - timedelta(minutes=5), failed
        )

    async with db.connect() as conn:
        revenue = (
            await conn.execute(
                text(
                    "SELECT customer_name, sum(event_value_attr_window_1) "
                    "FROM creatives.pixel_event_integrated_data "
                    "WHERE ev = 'order_completed' GROUP BY 1"
                )
            )
        ).all()
    today = datetime.now(UTC).date()
    errors = [entry for entry in logs if entry["log_level"] == "error"]
    assert integrated == 1
    assert [tuple(row) for row in revenue] == [("41", Decimal("25"))]
    assert failed == {"23": (today, today)}
    assert len(errors) == 1
    assert errors[0]["customer_id"] == "23"

    # The next round retries the failed customer even without new events.
    monkeypatch.setattr(scheduler, "integrate", real_integrate)
    again = await scheduler.integrate_changes(db, datetime.now(UTC), failed)
    assert again == 1
    assert failed == {}


async def test_missing_rate_leaves_value_out(db: AsyncEngine) -> None:
    from structlog.testing import capture_logs

    from creatives.attribution.integration import integrate

    async with db.begin() as conn:
        await factories.customer(conn, "23", currency="USD", time_zone="UTC")
        await insert_now_events(
            conn,
            "23",
            "('page_view', 'test', 'c1', 's1', 'A', NULL::numeric, NULL, false), "
            "('order_completed', 'test', 'c1', 's1', NULL, 25, 'USD', false), "
            "('order_completed', 'test', 'c1', 's1', NULL, 1000, 'JPY', false), "
            "('order_completed', 'test', 'c2', 's2', NULL, 10, 'USD', false)",
        )

    with capture_logs() as logs:
        result = await integrate(db, "23")

    async with db.connect() as conn:
        attributed = (
            await conn.execute(
                text(
                    "SELECT sum(number_of_events_attr_window_1) AS count, "
                    "sum(event_value_attr_window_1) AS value "
                    "FROM creatives.pixel_event_integrated_data "
                    "WHERE customer_name = '23' AND ev = 'order_completed'"
                )
            )
        ).one()
        unattributed = (
            await conn.execute(
                text(
                    "SELECT conversions, value, unattributed_1, unattributed_value_1 "
                    "FROM creatives.unattributed_daily "
                    "WHERE customer_id = '23' AND event_name = 'order_completed'"
                )
            )
        ).one()
    warnings = [entry for entry in logs if entry["event"] == "exchange_rate_missing"]
    today = str(datetime.now(UTC).date())
    assert result.unconverted_events == 1
    assert attributed.count == 2
    assert attributed.value == Decimal("25")
    assert unattributed.unattributed_1 == 1
    assert unattributed.unattributed_value_1 == Decimal("10")
    assert unattributed.conversions == 3
    assert unattributed.value == Decimal("35")
    assert len(warnings) == 1
    assert warnings[0]["currency_pair"] == "JPY/USD"
    assert warnings[0]["days"] == [today]
    assert warnings[0]["events"] == 1


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (
            date(1, 1, 1),
            date(9999, 12, 31),
            "--from 0001-01-01 is out of range; use a day from 1900-01-01 to 9999-12-01.",
        ),
        (
            date(2024, 1, 1),
            date(9999, 12, 31),
            "--to 9999-12-31 is out of range; use a day from 1900-01-01 to 9999-12-01.",
        ),
        (
            date(2024, 1, 2),
            date(2024, 1, 1),
            "--from 2024-01-02 is after --to 2024-01-01; swap them.",
        ),
        (
            date(9000, 1, 1),
            None,
            "--from 9000-01-01 is after the last day with data, {today}; give an "
            "earlier --from, or also --to to rebuild days without data.",
        ),
        (
            None,
            date(2000, 1, 1),
            "--to 2000-01-01 is before the first day with data, {today}; give a "
            "later --to, or also --from to rebuild days without data.",
        ),
    ],
)
async def test_integrate_rejects_bad_days(
    db: AsyncEngine, start: date | None, end: date | None, message: str
) -> None:
    from creatives.attribution.integration import integrate
    from creatives.errors import ValidationFailedError

    async with db.begin() as conn:
        await factories.customer(conn, "23", currency="USD", time_zone="UTC")
        await insert_now_events(
            conn,
            "23",
            "('page_view', 'test', 'c1', 's1', 'A', NULL::numeric, NULL, false)",
        )

    with pytest.raises(ValidationFailedError) as raised:
        await integrate(db, "23", start, end)

    assert str(raised.value) == message.format(today=datetime.now(UTC).date())


@pytest.mark.parametrize("time_zone", ["Pacific/Kiritimati", "Pacific/Niue"])
async def test_integrate_accepts_extreme_days(db: AsyncEngine, time_zone: str) -> None:
    from creatives.attribution.integration import EARLIEST_DAY, LATEST_DAY, integrate

    async with db.begin() as conn:
        await factories.customer(conn, "23", currency="USD", time_zone=time_zone)

    first = await integrate(db, "23", EARLIEST_DAY, EARLIEST_DAY)
    last = await integrate(db, "23", LATEST_DAY, LATEST_DAY)

    assert (first.start_day, first.rows) == (EARLIEST_DAY, 0)
    assert (last.end_day, last.rows) == (LATEST_DAY, 0)

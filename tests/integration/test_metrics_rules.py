from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.creatives import service
from creatives.creatives.metrics import Attribution
from creatives.creatives.service import MetricsQuery
from creatives.customers import repository as customers
from creatives.imports.dashboard import IMPORT_MARKER
from tests import factories

MAY_1 = date(2024, 5, 1)


def _query(
    start: date = MAY_1, end: date = date(2024, 5, 31), **kwargs: object
) -> MetricsQuery:
    return MetricsQuery(
        event="order_completed",
        start_date=start,
        end_date=end,
        attribution=Attribution.DAY_7,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_creative_rows_do_not_multiply_spend(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23")
        await factories.facts(
            conn, [factories.fact("23", "A", MAY_1, spend=Decimal("100.00"), clicks=10)]
        )
        days = [MAY_1 + timedelta(days=offset) for offset in range(3)]
        await factories.creative_rows(conn, "23", "A", "['Same copy']", days)
        await factories.regroup(conn, "23")

    async with db.connect() as conn:
        customer = await customers.get(conn, "23")
        assert customer is not None
        result = await service.get_metrics(conn, customer, _query())

    assert len(result.rows) == 1
    assert result.rows[0].spend == 100.0
    assert result.rows[0].clicks == 10.0


async def test_latest_copy_groups_ads(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23")
        await factories.facts(
            conn,
            [
                factories.fact("23", "A", MAY_1, spend=Decimal("10")),
                factories.fact("23", "B", MAY_1, spend=Decimal("5")),
            ],
        )
        await factories.creative_rows(conn, "23", "A", "['Old copy']", [MAY_1])
        await factories.creative_rows(
            conn, "23", "A", "['New  copy']", [MAY_1 + timedelta(days=1)]
        )
        await factories.creative_rows(conn, "23", "B", "['New copy']", [MAY_1])
        await factories.regroup(conn, "23")

    async with db.connect() as conn:
        customer = await customers.get(conn, "23")
        assert customer is not None
        result = await service.get_metrics(conn, customer, _query())

    assert [(row.ad_copy, row.ad_ids, row.spend) for row in result.rows] == [
        ("New copy", ["A", "B"], 15.0)
    ]


@pytest.mark.parametrize("import_first", [True, False])
async def test_creative_table_beats_import_same_day(
    db: AsyncEngine, import_first: bool
) -> None:
    imported = ("['Body text only']", IMPORT_MARKER)
    carousel = ("['First card', 'Second card']", "CAROUSEL")
    async with db.begin() as conn:
        await factories.customer(conn, "23")
        await factories.facts(
            conn, [factories.fact("23", "A", MAY_1, spend=Decimal("10"))]
        )
        for ad_copy, ad_type in (
            (imported, carousel) if import_first else (carousel, imported)
        ):
            await factories.creative_rows(conn, "23", "A", ad_copy, [MAY_1], ad_type)
        await factories.regroup(conn, "23")

    async with db.connect() as conn:
        customer = await customers.get(conn, "23")
        assert customer is not None
        result = await service.get_metrics(conn, customer, _query())

    assert [row.ad_copies for row in result.rows] == [["First card", "Second card"]]


async def test_zero_spend_gives_null_roas(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23")
        await factories.facts(
            conn,
            [
                factories.fact(
                    "23",
                    "A",
                    MAY_1,
                    event_value_attr_window_7=Decimal("40"),
                    sessions=3,
                )
            ],
        )
        await factories.regroup(conn, "23")

    async with db.connect() as conn:
        customer = await customers.get(conn, "23")
        assert customer is not None
        result = await service.get_metrics(conn, customer, _query())

    row = result.rows[0]
    assert row.spend == 0.0
    assert row.revenue == 40.0
    assert row.roas is None
    assert row.ad_copy is None
    assert row.ad_ids == ["A"]


async def test_empty_range_sums(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23")
        await factories.facts(
            conn, [factories.fact("23", "A", MAY_1, spend=Decimal("10"))]
        )

    async with db.connect() as conn:
        customer = await customers.get(conn, "23")
        assert customer is not None
        result = await service.get_metrics(
            conn, customer, _query(date(2023, 1, 1), date(2023, 1, 31))
        )

    assert result.rows == []
    assert result.row_count == 0
    assert result.totals.spend == 0.0
    assert result.totals.clicks == 0.0
    assert result.totals.conversions == 0.0
    # A sum over no rows is 0; the ratios divide by a zero spend or count, so are null.
    assert result.totals.revenue == 0.0
    assert result.totals.roas is None
    assert result.totals.cpa is None
    assert result.totals.ctr is None


async def test_date_range_inclusive_both_ends(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23")
        await factories.facts(
            conn,
            [
                factories.fact("23", "A", date(2024, 4, 30), spend=Decimal("1")),
                factories.fact("23", "A", MAY_1, spend=Decimal("10")),
                factories.fact("23", "A", date(2024, 5, 2), spend=Decimal("100")),
                factories.fact("23", "A", date(2024, 5, 3), spend=Decimal("1000")),
            ],
        )

    async with db.connect() as conn:
        customer = await customers.get(conn, "23")
        assert customer is not None
        result = await service.get_metrics(
            conn, customer, _query(MAY_1, date(2024, 5, 2))
        )

    assert result.totals.spend == 110.0


async def test_other_events_not_counted(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23")
        await factories.facts(
            conn,
            [
                factories.fact(
                    "23",
                    "A",
                    MAY_1,
                    spend=Decimal("10"),
                    event_value_attr_window_7=Decimal("30"),
                ),
                factories.fact(
                    "23",
                    "A",
                    MAY_1,
                    ev="add_to_cart",
                    spend=Decimal("10"),
                    event_value_attr_window_7=Decimal("99"),
                ),
            ],
        )

    async with db.connect() as conn:
        customer = await customers.get(conn, "23")
        assert customer is not None
        result = await service.get_metrics(conn, customer, _query())

    assert result.totals.spend == 10.0
    assert result.totals.revenue == 30.0
    assert result.totals.roas == 3.0

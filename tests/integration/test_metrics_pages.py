"""Order, pages, totals and search of the metrics query against a plain Python reference.

The database sorts, filters and pages the creatives. The reference does the same in Python
on every creative of the range, with the ratios of `compute_ratios`.
"""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from creatives.creatives import repository
from creatives.creatives.metrics import Attribution, Sums, compute_ratios
from creatives.creatives.repository import CreativeSums, PageRequest
from creatives.creatives.service import SORTABLE_FIELDS
from tests import factories
from tests.integration.test_rollups import CUSTOMERS, FIRST_DAY, _setup

EVENT = "order_completed"
PAGE_SIZE = 2


def _value(item: CreativeSums, field: str) -> object:
    if field == "ad_copy":
        return None if item.ad_copy is None else item.ad_copy.casefold()
    if hasattr(item.sums, field):
        return getattr(item.sums, field)
    return getattr(compute_ratios(item.sums), field)


def reference_order(
    items: list[CreativeSums], field: str, descending: bool
) -> list[str]:
    """Undefined values last in either direction, ties by creative id in the same direction."""
    defined = [item for item in items if _value(item, field) is not None]
    missing = [item for item in items if _value(item, field) is None]
    defined.sort(
        key=lambda item: (_value(item, field), item.creative_id), reverse=descending
    )
    missing.sort(key=lambda item: item.creative_id, reverse=descending)
    return [item.creative_id for item in defined + missing]


def _total(items: list[CreativeSums]) -> Sums:
    total = Sums()
    for item in items:
        total.add(item.sums)
    return total


async def _page(
    conn: AsyncConnection, customer: str, start: date, end: date, request: PageRequest
) -> repository.CreativePage:
    return await repository.creative_page(
        conn, customer, EVENT, start, end, Attribution.DAY_7, request
    )


async def _check_orders(
    conn: AsyncConnection, customer: str, start: date, end: date
) -> None:
    everything = await repository.creative_sums(
        conn, customer, EVENT, start, end, Attribution.DAY_7
    )
    for field in SORTABLE_FIELDS:
        for descending in (False, True):
            expected = reference_order(everything, field, descending)
            seen: list[str] = []
            for offset in range(0, len(expected) + PAGE_SIZE, PAGE_SIZE):
                page = await _page(
                    conn,
                    customer,
                    start,
                    end,
                    PageRequest(field, descending, None, offset, PAGE_SIZE),
                )
                assert page.row_count == len(expected)
                assert page.totals == _total(everything)
                seen += [row.creative_id for row in page.rows]
            assert seen == expected, (customer, start, end, field, descending)


async def test_pages_follow_the_reference_order(db: AsyncEngine) -> None:
    rng = await _setup(db, 6)
    async with db.connect() as conn:
        for customer in CUSTOMERS:
            for _ in range(3):
                start = FIRST_DAY + timedelta(days=rng.randint(0, 40))
                end = start + timedelta(days=rng.randint(0, 30))
                await _check_orders(conn, customer, start, end)


async def test_search_matches_copy_and_ad_ids(db: AsyncEngine) -> None:
    await _setup(db, 7)
    customer = CUSTOMERS[0]
    start, end = FIRST_DAY, FIRST_DAY + timedelta(days=59)
    async with db.connect() as conn:
        everything = await repository.creative_sums(
            conn, customer, EVENT, start, end, Attribution.DAY_7
        )
        for needle in ("shared COPY", "copy 23-ad-1", f"{customer}-AD-4", "nothing"):
            expected = [
                item
                for item in everything
                if needle.casefold()
                in " ".join([item.ad_copy or "", *item.ad_ids]).casefold()
            ]
            page = await _page(
                conn, customer, start, end, PageRequest(search=needle, limit=100)
            )
            assert [row.creative_id for row in page.rows] == [
                item.creative_id for item in expected
            ], needle
            assert page.row_count == len(expected)
            assert page.totals == _total(expected)


async def test_page_past_the_end_keeps_totals(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23")
        await factories.facts(
            conn,
            [factories.fact("23", "A", date(2024, 5, 1), EVENT, spend=Decimal(7))],
        )
        await factories.regroup(conn, "23")
        page = await _page(
            conn,
            "23",
            date(2024, 5, 1),
            date(2024, 5, 1),
            PageRequest(offset=50, limit=50),
        )

    assert page.rows == []
    assert page.row_count == 1
    assert page.totals.spend == 7


def test_reference_order_puts_undefined_last() -> None:
    def item(creative_id: str, spend: int, revenue: int) -> CreativeSums:
        sums = Sums(spend=Decimal(spend), revenue=Decimal(revenue))
        return CreativeSums(creative_id, None, [], [creative_id], sums)

    items = [item("b", 0, 5), item("a", 2, 4), item("c", 1, 4), item("d", 0, 1)]

    assert reference_order(items, "roas", True) == ["c", "a", "d", "b"]
    assert reference_order(items, "roas", False) == ["a", "c", "b", "d"]

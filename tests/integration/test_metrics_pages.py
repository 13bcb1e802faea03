"""Order, pages, totals and search of the metrics query against a plain Python reference.

The database sorts, filters and pages the creatives. The reference does the same in Python
on every creative of the range, with the ratios of `compute_ratios`, and takes the platform
ROAS from the platform event's sums per creative over the same days. One ad never has a
revenue value and the platform reports no value for another, so missing revenue, ROAS and
platform ROAS meet the defined ones in the same pages.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from creatives.creatives import repository
from creatives.creatives.metrics import Attribution, Sums, compute_ratios
from creatives.creatives.repository import CreativeSums, PageRequest
from creatives.creatives.rollups import refresh_derived
from creatives.creatives.service import PLATFORM_ROAS, SORTABLE_FIELDS
from creatives.imports.dashboard import PLATFORM_EVENT
from tests import factories
from tests.integration.test_rollups import (
    CUSTOMERS,
    FIRST_DAY,
    REVENUE_COLUMNS,
    UNVALUED_AD,
    _fact,
    _insert,
    _setup,
)

EVENT = "order_completed"
PAGE_SIZE = 2
# Ads with platform rows, over the first PLATFORM_DAYS days only; the platform reports no
# conversion value for the first of them. Ad 0 and the ad without id have no platform rows.
PLATFORM_ADS = (3, 1, 4, UNVALUED_AD)
PLATFORM_DAYS = 30
# The platform's sums per creative id.
Platform = dict[str, Sums]


def _value(item: CreativeSums, field: str, platform: Platform) -> object:
    if field == "ad_copy":
        return None if item.ad_copy is None else item.ad_copy.casefold()
    if field == PLATFORM_ROAS:
        sums = platform.get(item.creative_id)
        return None if sums is None else compute_ratios(sums).roas
    if hasattr(item.sums, field):
        return getattr(item.sums, field)
    return getattr(compute_ratios(item.sums), field)


def reference_order(
    items: list[CreativeSums],
    field: str,
    descending: bool,
    platform: Platform | None = None,
) -> list[str]:
    """Undefined values last in either direction, ties by creative id in the same direction."""
    known = platform or {}
    defined = [item for item in items if _value(item, field, known) is not None]
    missing = [item for item in items if _value(item, field, known) is None]
    defined.sort(
        key=lambda item: (_value(item, field, known), item.creative_id),
        reverse=descending,
    )
    missing.sort(key=lambda item: item.creative_id, reverse=descending)
    return [item.creative_id for item in defined + missing]


def _total(items: list[CreativeSums]) -> Sums:
    total = Sums.empty()
    for item in items:
        total.add(item.sums)
    return total


def _platform_total(items: list[CreativeSums], platform: Platform) -> Sums | None:
    """Sum the platform figures of the listed creatives that have any."""
    listed = [
        platform[item.creative_id] for item in items if item.creative_id in platform
    ]
    if not listed:
        return None
    total = Sums.empty()
    for sums in listed:
        total.add(sums)
    return total


def _spend_and_value(sums: Sums | None) -> tuple[Decimal, Decimal | None] | None:
    return None if sums is None else (sums.spend, sums.revenue)


async def _add_platform_facts(db: AsyncEngine, rng: random.Random) -> None:
    """Give a few ads imported platform rows, as `_setup` gives them pixel facts."""
    async with db.begin() as conn:
        for customer in CUSTOMERS:
            rows = []
            for index in PLATFORM_ADS:
                for offset in range(PLATFORM_DAYS):
                    day = FIRST_DAY + timedelta(days=offset)
                    row = _fact(rng, customer, f"{customer}-ad-{index}", day, "x")
                    row["ev"] = PLATFORM_EVENT
                    if index == PLATFORM_ADS[0]:
                        row.update(dict.fromkeys(REVENUE_COLUMNS))
                    rows.append(row)
            await _insert(conn, rows)
            await refresh_derived(conn, customer)
            await factories.regroup(conn, customer)


async def _platform(
    conn: AsyncConnection, customer: str, start: date, end: date
) -> Platform:
    items = await repository.creative_sums(
        conn, customer, PLATFORM_EVENT, start, end, Attribution.DAY_7
    )
    return {item.creative_id: item.sums for item in items}


async def _page(
    conn: AsyncConnection, customer: str, start: date, end: date, request: PageRequest
) -> repository.CreativePage:
    return await repository.creative_page(
        conn, customer, EVENT, start, end, Attribution.DAY_7, request
    )


async def _check_orders(
    conn: AsyncConnection, customer: str, start: date, end: date
) -> set[str]:
    """Check every sort field in both directions; return the kinds of missing values met."""
    everything = await repository.creative_sums(
        conn, customer, EVENT, start, end, Attribution.DAY_7
    )
    platform = await _platform(conn, customer, start, end)
    platform_total = _spend_and_value(_platform_total(everything, platform))
    for field in SORTABLE_FIELDS:
        for descending in (False, True):
            expected = reference_order(everything, field, descending, platform)
            seen: list[str] = []
            for offset in range(0, len(expected) + PAGE_SIZE, PAGE_SIZE):
                request = PageRequest(
                    field, descending, None, offset, PAGE_SIZE, PLATFORM_EVENT
                )
                page = await _page(conn, customer, start, end, request)
                assert page.row_count == len(expected)
                assert page.totals == _total(everything)
                assert _spend_and_value(page.platform_totals) == platform_total
                for row in page.rows:
                    reference = platform.get(row.creative_id)
                    assert _spend_and_value(row.platform) == _spend_and_value(reference)
                seen += [row.creative_id for row in page.rows]
            assert seen == expected, (customer, start, end, field, descending)
    return {
        field
        for field in ("revenue", PLATFORM_ROAS)
        for item in everything
        if _value(item, field, platform) is None
    }


async def test_pages_follow_the_reference_order(db: AsyncEngine) -> None:
    rng = await _setup(db, 6)
    await _add_platform_facts(db, rng)
    missing: set[str] = set()
    async with db.connect() as conn:
        for customer in CUSTOMERS:
            for _ in range(3):
                start = FIRST_DAY + timedelta(days=rng.randint(0, 40))
                end = start + timedelta(days=rng.randint(0, 30))
                missing |= await _check_orders(conn, customer, start, end)

    # The ranges met missing values of both kinds.
    assert missing == {"revenue", PLATFORM_ROAS}


async def test_platform_figures_of_a_range_without_them(db: AsyncEngine) -> None:
    rng = await _setup(db, 8)
    await _add_platform_facts(db, rng)
    start = FIRST_DAY + timedelta(days=PLATFORM_DAYS)
    end = start + timedelta(days=9)
    async with db.connect() as conn:
        page = await _page(
            conn,
            CUSTOMERS[0],
            start,
            end,
            PageRequest(PLATFORM_ROAS, True, None, 0, 100, PLATFORM_EVENT),
        )

    assert page.row_count > 0
    assert [row.platform for row in page.rows] == [None] * len(page.rows)
    assert page.platform_totals is None
    assert [row.creative_id for row in page.rows] == sorted(
        (row.creative_id for row in page.rows), reverse=True
    )


async def test_search_matches_copy_and_ad_ids(db: AsyncEngine) -> None:
    await _setup(db, 7)
    customer = CUSTOMERS[0]
    start, end = FIRST_DAY, FIRST_DAY + timedelta(days=59)
    async with db.connect() as conn:
        everything = await repository.creative_sums(
            conn, customer, EVENT, start, end, Attribution.DAY_7
        )
        needles = ("shared COPY", "copy 23-ad-1", f"{customer}-AD-4", "nothing")
        for needle in (*needles, f"{customer}-ad-{UNVALUED_AD}"):
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
        # Totals over creatives that have no revenue value have none either.
        assert page.totals.revenue is None


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


def test_reference_order_of_missing_values() -> None:
    items = [
        CreativeSums("a", None, [], ["a"], Sums(spend=Decimal(1), revenue=None)),
        CreativeSums("b", None, [], ["b"], Sums(spend=Decimal(2), revenue=Decimal(0))),
        CreativeSums("c", None, [], ["c"], Sums(spend=Decimal(3), revenue=Decimal(6))),
    ]
    platform = {
        "a": Sums(spend=Decimal(4), revenue=Decimal(2)),
        "b": Sums(spend=Decimal(4), revenue=None),
    }

    assert reference_order(items, "revenue", True) == ["c", "b", "a"]
    assert reference_order(items, "revenue", False) == ["b", "c", "a"]
    assert reference_order(items, "roas", False) == ["b", "c", "a"]
    assert reference_order(items, PLATFORM_ROAS, True, platform) == ["a", "c", "b"]
    assert reference_order(items, PLATFORM_ROAS, False, platform) == ["a", "b", "c"]

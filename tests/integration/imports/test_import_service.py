"""The import service against a real PostgreSQL: storage, idempotency, rates, dashboard."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.creatives.metrics import Attribution
from creatives.creatives.repository import creative_sums, daily_sums
from creatives.imports.dashboard import PLATFORM_EVENT
from creatives.imports.errors import ImportFileError
from creatives.imports.service import import_rates_file, refresh_dashboard_rows
from tests.integration.imports.conftest import (
    FIXTURES,
    add_customer,
    run_import,
    scalar,
)

META = FIXTURES / "meta_bom_period.csv"


async def test_meta_period_rows_are_stored(imports_db: AsyncEngine) -> None:
    await add_customer(imports_db, "23", "EUR")

    summary = await run_import(imports_db, "23", META, "meta")

    assert summary.rows_read == 3
    assert summary.rows_imported == 3
    assert summary.ads_periods_stored == 3
    assert summary.period_start == date(2024, 5, 1)
    assert summary.period_end == date(2024, 5, 31)
    assert [(t.currency, t.spend, t.impressions, t.clicks) for t in summary.totals] == [
        ("EUR", Decimal("135.75"), 4200, 41)
    ]
    assert summary.spend_converted == Decimal("135.75")
    async with imports_db.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT ad_name, ad_set_name, period_start, period_end, spend, reach, "
                    "clicks, conversions, currency, source_line, import_id "
                    "FROM creatives.ad_performance ORDER BY source_line"
                )
            )
        ).all()
    assert len(rows) == 3
    first = rows[0]
    assert first.ad_name == "Pizza video"
    assert first.period_start == date(2024, 5, 1)
    assert first.period_end == date(2024, 5, 31)
    assert first.spend == Decimal("120.50")
    assert first.source_line == 2
    assert first.import_id == summary.import_id
    assert rows[1].reach is None
    assert rows[1].clicks is None


async def test_same_file_twice_changes_nothing(imports_db: AsyncEngine) -> None:
    await add_customer(imports_db, "23", "EUR")
    first = await run_import(imports_db, "23", META, "meta")

    again = await run_import(imports_db, "23", META, "meta")

    assert again.already_imported
    assert again.import_id == first.import_id
    assert again.totals == first.totals
    assert await scalar(imports_db, "SELECT count(*) FROM creatives.ad_imports") == 1
    assert (
        await scalar(imports_db, "SELECT count(*) FROM creatives.ad_performance") == 3
    )
    facts = "SELECT count(*) FROM creatives.pixel_event_integrated_data"
    assert await scalar(imports_db, facts) == 3 * 31


async def test_new_file_replaces_same_ad_period(
    imports_db: AsyncEngine, tmp_path: Path
) -> None:
    await add_customer(imports_db, "23", "EUR")
    await run_import(imports_db, "23", META, "meta")
    corrected = tmp_path / "corrected.csv"
    corrected.write_text(
        META.read_text(encoding="utf-8-sig").replace('"120.50"', '"99.00"')
    )

    summary = await run_import(imports_db, "23", corrected, "meta")

    assert not summary.already_imported
    assert (
        await scalar(imports_db, "SELECT count(*) FROM creatives.ad_performance") == 3
    )
    total = await scalar(imports_db, "SELECT sum(spend) FROM creatives.ad_performance")
    assert total == Decimal("114.25")
    facts = "SELECT sum(spend) FROM creatives.pixel_event_integrated_data"
    assert await scalar(imports_db, facts) == Decimal("114.25")


async def test_bad_row_writes_nothing(imports_db: AsyncEngine) -> None:
    await add_customer(imports_db, "23", "USD")

    with pytest.raises(ImportFileError) as caught:
        await run_import(
            imports_db,
            "23",
            FIXTURES / "mapped_invalid_cell.csv",
            "csv",
            "ad_name=ad,date=day,spend=cost,clicks=clicks",
            currency="USD",
        )

    problem = caught.value.first
    assert problem is not None
    assert (problem.line, problem.column, problem.value) == (3, "cost", "abc")
    assert await scalar(imports_db, "SELECT count(*) FROM creatives.ad_imports") == 0
    assert (
        await scalar(imports_db, "SELECT count(*) FROM creatives.ad_performance") == 0
    )


async def test_header_only_file_is_rejected(
    imports_db: AsyncEngine, tmp_path: Path
) -> None:
    await add_customer(imports_db, "23", "EUR")
    header = (FIXTURES / "meta_bom_period.csv").read_text("utf-8-sig").splitlines()[0]
    path = tmp_path / "meta_empty.csv"
    path.write_text(header + "\n", "utf-8")

    with pytest.raises(ImportFileError) as caught:
        await run_import(imports_db, "23", path, "meta")

    assert str(caught.value).startswith("meta_empty.csv: has no data rows")
    assert await scalar(imports_db, "SELECT count(*) FROM creatives.ad_imports") == 0


async def test_overlapping_stored_period_is_rejected(
    imports_db: AsyncEngine, tmp_path: Path
) -> None:
    await add_customer(imports_db, "23", "EUR")
    await run_import(imports_db, "23", META, "meta")
    daily = tmp_path / "daily.csv"
    daily.write_text(
        '"Reporting starts","Reporting ends","Campaign name","Ad set name","Ad name",'
        '"Amount spent (EUR)"\n'
        '2024-05-03,2024-05-03,"Spring sale","Lookalike 1%","Pizza video","5.00"\n'
    )

    with pytest.raises(ImportFileError, match="overlaps the stored period") as caught:
        await run_import(imports_db, "23", daily, "meta")

    assert caught.value.first is not None
    assert caught.value.first.line == 2
    assert await scalar(imports_db, "SELECT count(*) FROM creatives.ad_imports") == 1


async def test_summed_breakdown_rows(imports_db: AsyncEngine) -> None:
    await add_customer(imports_db, "23", "USD")

    summary = await run_import(
        imports_db,
        "23",
        FIXTURES / "mapped_breakdown_rows.csv",
        "csv",
        "month=month,day=day,campaign_name=campaign,ad_name=banner,spend=cost,"
        "impressions=displays,clicks=clicks,conversion_value=revenue",
        channel="display",
        year=2020,
        currency="USD",
    )

    assert summary.rows_imported == 3
    assert summary.ads_periods_stored == 2
    async with imports_db.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT period_start, spend, impressions, clicks, source_rows "
                    "FROM creatives.ad_performance ORDER BY period_start"
                )
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        (date(2020, 4, 1), Decimal("2.00"), 150, 3, 2),
        (date(2020, 4, 2), Decimal("2.00"), 80, None, 1),
    ]


async def _import_eur_usd_rates(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        summary = await import_rates_file(
            conn, FIXTURES / "rates_long.csv", "rates_long.csv"
        )
    assert summary.rates == 2


async def test_missing_rate_names_date_and_pair(imports_db: AsyncEngine) -> None:
    await add_customer(imports_db, "23", "USD")

    with pytest.raises(ImportFileError) as caught:
        await run_import(imports_db, "23", META, "meta")

    message = str(caught.value)
    assert "from EUR to USD" in message
    assert "2024-05-31" in message
    assert await scalar(imports_db, "SELECT count(*) FROM creatives.ad_imports") == 0


async def test_conversion_uses_latest_rate_within_lookback(
    imports_db: AsyncEngine, tmp_path: Path
) -> None:
    await add_customer(imports_db, "23", "USD")
    await _import_eur_usd_rates(imports_db)
    # 2024-05-05 is a Sunday; the rate of Thursday 2024-05-02 applies.
    export = tmp_path / "sunday.csv"
    export.write_text(
        "Day,Ad ID,Ad name,Amount spent (EUR),Purchases conversion value\n"
        '2024-05-05,7,Sunday ad,"100.00","10.00"\n'
    )

    summary = await run_import(imports_db, "23", export, "meta")

    assert summary.spend_converted == Decimal("107.350000")
    rate = await scalar(
        imports_db, "SELECT exchange_rate FROM creatives.ad_performance"
    )
    assert rate == Decimal("1.0735")


async def test_rate_used_in_reverse(imports_db: AsyncEngine, tmp_path: Path) -> None:
    await add_customer(imports_db, "24", "EUR")
    await _import_eur_usd_rates(imports_db)
    export = tmp_path / "usd.csv"
    export.write_text(
        'Day,Ad ID,Ad name,Amount spent (USD)\n2024-05-01,8,Dollar ad,"107.12"\n'
    )

    summary = await run_import(imports_db, "24", export, "meta")

    assert summary.spend_converted == Decimal("100.000000")


async def test_rate_too_old_is_missing(imports_db: AsyncEngine, tmp_path: Path) -> None:
    await add_customer(imports_db, "23", "USD")
    await _import_eur_usd_rates(imports_db)
    export = tmp_path / "late.csv"
    export.write_text(
        'Day,Ad ID,Ad name,Amount spent (EUR)\n2024-05-09,7,Late ad,"1.00"\n'
    )

    with pytest.raises(ImportFileError, match="2024-05-09"):
        await run_import(imports_db, "23", export, "meta")


async def test_period_rows_spread_over_days(imports_db: AsyncEngine) -> None:
    await add_customer(imports_db, "23", "EUR")
    await run_import(imports_db, "23", META, "meta")

    async with imports_db.connect() as conn:
        whole = await creative_sums(
            conn,
            "23",
            PLATFORM_EVENT,
            date(2024, 5, 1),
            date(2024, 5, 31),
            Attribution.DAY_7,
        )
        first_ten = await creative_sums(
            conn,
            "23",
            PLATFORM_EVENT,
            date(2024, 5, 1),
            date(2024, 5, 10),
            Attribution.DAY_7,
        )
        outside = await creative_sums(
            conn,
            "23",
            PLATFORM_EVENT,
            date(2024, 6, 1),
            date(2024, 6, 30),
            Attribution.DAY_7,
        )

    assert sum(c.sums.spend for c in whole) == Decimal("135.75")
    assert sum(c.sums.impressions for c in whole) == 4200
    # The carousel's value cell is "-": no value, not 0. One of the video's two ads has
    # a value, so the video's revenue is that value.
    assert {c.ad_copy: c.sums.revenue for c in whole} == {
        "Pizza video": Decimal("90.00"),
        "Pizza carousel": None,
    }
    assert sum(c.sums.conversions for c in whole) == 3
    # Ten of 31 days: 135.75 * 10 / 31 = 43.790..., rounded per row to 6 places.
    assert sum(c.sums.spend for c in first_ten) == Decimal("43.790323")
    assert outside == []


async def test_dashboard_groups_by_copy_or_name(imports_db: AsyncEngine) -> None:
    await add_customer(imports_db, "23", "EUR")
    await run_import(imports_db, "23", META, "meta")

    async with imports_db.connect() as conn:
        creatives = await creative_sums(
            conn,
            "23",
            PLATFORM_EVENT,
            date(2024, 5, 1),
            date(2024, 5, 31),
            Attribution.DAY_7,
        )

    by_copy = {c.ad_copy: c for c in creatives}
    assert set(by_copy) == {"Pizza video", "Pizza carousel"}
    assert len(by_copy["Pizza video"].ad_ids) == 2
    assert by_copy["Pizza video"].sums.spend == Decimal("120.50")


async def test_refresh_rewrites_only_the_range(imports_db: AsyncEngine) -> None:
    await add_customer(imports_db, "23", "EUR")
    await run_import(imports_db, "23", META, "meta")
    facts = "SELECT count(*) FROM creatives.pixel_event_integrated_data"

    async with imports_db.begin() as conn:
        written = await refresh_dashboard_rows(
            conn, "23", date(2024, 5, 10), date(2024, 5, 11)
        )

    assert written == 6
    assert await scalar(imports_db, facts) == 3 * 31
    total = "SELECT sum(spend) FROM creatives.pixel_event_integrated_data"
    assert await scalar(imports_db, total) == Decimal("135.75")


async def test_pixel_rows_are_left_alone(imports_db: AsyncEngine) -> None:
    await add_customer(imports_db, "23", "EUR")
    async with imports_db.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO creatives.pixel_event_integrated_data "
                "(customer_name, ad_id, ev, date_column, spend) "
                "VALUES ('23', 'pixel-ad', :event, '2024-05-02', 5)"
            ),
            {"event": PLATFORM_EVENT},
        )

    await run_import(imports_db, "23", META, "meta")

    pixel = "SELECT count(*) FROM creatives.pixel_event_integrated_data WHERE ad_id = 'pixel-ad'"
    assert await scalar(imports_db, pixel) == 1


async def test_google_ads_excel_csv_reaches_metrics(imports_db: AsyncEngine) -> None:
    await add_customer(imports_db, "23", "USD")
    excel_csv = FIXTURES / "google_ads_daily_excel.csv"

    summary = await run_import(imports_db, "23", excel_csv, "google-ads")

    assert summary.rows_imported == 3
    async with imports_db.connect() as conn:
        days = await daily_sums(
            conn,
            "23",
            PLATFORM_EVENT,
            date(2024, 5, 1),
            date(2024, 5, 2),
            Attribution.DAY_7,
            [],
        )
    # "--" in "Conv. value" is no value: May 2 has none, and May 1 only that of ad 701.
    assert [(day, sums.spend, sums.revenue) for day, sums in days] == [
        (date(2024, 5, 1), Decimal("1239.75"), Decimal("3000.00")),
        (date(2024, 5, 2), Decimal("100.00"), None),
    ]

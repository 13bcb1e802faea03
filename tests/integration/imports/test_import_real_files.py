"""Real exports imported end to end; each total is checked against the file's own sums.

The expected sums are computed here with the csv module and Decimal, independently of
the importer's parsers.
"""

import csv
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.imports.errors import ImportFileError
from creatives.imports.parsing.numbers import NumberLocale
from creatives.imports.rows import ParseOptions
from creatives.imports.service import import_rates_file
from tests.conftest import real_data_file
from tests.integration.imports.conftest import add_customer, run_import, scalar

pytestmark = pytest.mark.realdata

META_FILES = {
    "meta_ads_export_ad_level_2025-09-01_2025-09-30.csv": Decimal("66067.60"),
    "meta_ads_export_ad_level_2025-12-01_2025-12-31.csv": Decimal("77678.81"),
    "meta_ads_export_ad_level_2026-01-01_2026-01-27.csv": Decimal("71583.85"),
}
DISPLAY_MAPPING = (
    "month=month,day=day,campaign_name=campaign_number,ad_name=banner,spend=cost,"
    "impressions=displays,clicks=clicks,conversions=post_click_conversions,"
    "conversion_value=revenue"
)
IRA_MAPPING = (
    "ad_id=Ad_ID,date=Create_Date,ad_copy=Ad_Text,spend=Spend_RUB,"
    "impressions=Impressions,clicks=Clicks"
)
KAGGLE_MAPPING = (
    "ad_id=ad_id,period_start=reporting_start,period_end=reporting_end,"
    "campaign_id=campaign_id,ad_set_id=fb_campaign_id,impressions=impressions,"
    "clicks=clicks,spend=spent,conversions=total_conversion"
)


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def whole(cell: str) -> int:
    """Parse a count the way the file writes it (R writes 2000 as 2e3)."""
    return int(Decimal(cell)) if cell not in ("", "-", "NA") else 0


def money(cell: str) -> Decimal:
    return Decimal(cell) if cell not in ("", "-", "NA") else Decimal(0)


async def stored_sums(engine: AsyncEngine, import_id: int) -> tuple[object, ...]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT sum(spend), sum(impressions), sum(clicks), "
                    "sum(conversion_value) FROM creatives.ad_performance "
                    "WHERE import_id = :id"
                ),
                {"id": import_id},
            )
        ).one()
    return tuple(row)


@pytest.mark.parametrize("name", sorted(META_FILES))
async def test_meta_export_totals(imports_db: AsyncEngine, name: str) -> None:
    path = real_data_file(f"meta_ads_manager_export_pcmerchandise_php/{name}")
    rows = list(read_rows(path))
    spend = sum((money(row["Amount spent (PHP)"]) for row in rows), Decimal(0))
    impressions = sum(whole(row["Impressions"]) for row in rows)
    clicks = sum(whole(row["Link clicks"]) for row in rows)
    await add_customer(imports_db, "pcm", "PHP")

    summary = await run_import(imports_db, "pcm", path, "meta")

    assert spend == META_FILES[name]
    assert summary.rows_read == len(rows)
    assert summary.rows_imported == len(rows)
    assert summary.rows_skipped == 0
    assert len(summary.totals) == 1
    totals = summary.totals[0]
    assert totals.currency == "PHP"
    assert totals.spend == spend
    assert totals.impressions == impressions
    assert totals.clicks == clicks
    assert summary.spend_converted == spend
    assert await stored_sums(imports_db, summary.import_id) == (
        spend,
        impressions,
        clicks,
        None,
    )
    facts = "SELECT sum(spend) FROM creatives.pixel_event_integrated_data"
    assert await scalar(imports_db, facts) == spend


async def test_meta_months_stay_apart(imports_db: AsyncEngine) -> None:
    await add_customer(imports_db, "pcm", "PHP")
    for name in sorted(META_FILES):
        path = real_data_file(f"meta_ads_manager_export_pcmerchandise_php/{name}")
        await run_import(imports_db, "pcm", path, "meta")

    stored = await scalar(imports_db, "SELECT sum(spend) FROM creatives.ad_performance")
    periods = await scalar(
        imports_db,
        "SELECT count(DISTINCT (period_start, period_end)) FROM creatives.ad_performance",
    )

    assert stored == sum(META_FILES.values())
    assert periods == 3


async def test_display_ads_with_mapping(imports_db: AsyncEngine) -> None:
    path = real_data_file("display_ads_daily_company_x_2020_usd.csv")
    rows = list(read_rows(path))
    await add_customer(imports_db, "x", "USD")

    summary = await run_import(
        imports_db,
        "x",
        path,
        "csv",
        DISPLAY_MAPPING,
        channel="display",
        year=2020,
        currency="USD",
    )

    totals = summary.totals[0]
    assert summary.rows_imported == len(rows) == 15403
    assert totals.spend == sum(money(row["cost"]) for row in rows)
    assert totals.impressions == sum(whole(row["displays"]) for row in rows)
    assert totals.clicks == sum(whole(row["clicks"]) for row in rows)
    assert totals.conversion_value == sum(money(row["revenue"]) for row in rows)
    assert summary.period_start == date(2020, 4, 1)
    assert summary.period_end == date(2020, 6, 30)
    banners = {(row["campaign_number"], row["banner"]) for row in rows}
    days = {
        (row["campaign_number"], row["banner"], row["month"], row["day"])
        for row in rows
    }
    assert summary.ads_periods_stored == len(days)
    ads = await scalar(
        imports_db, "SELECT count(DISTINCT ad_key) FROM creatives.ad_performance"
    )
    assert ads == len(banners)


def _rates_by_day(path: Path) -> dict[date, Decimal]:
    return {
        date.fromisoformat(row["YYYY/MM/DD"].replace("/", "-")): Decimal(row["RUB/USD"])
        for row in read_rows(path)
    }


def _rate_on(rates: dict[date, Decimal], day: date) -> Decimal:
    for back in range(7):
        if day - timedelta(days=back) in rates:
            return rates[day - timedelta(days=back)]
    raise AssertionError(f"no rate for {day}")


def _valid_ira_rows(path: Path) -> list[dict[str, str]]:
    """Rows with a numeric ad id, a creation date and at least one figure."""
    return [
        row
        for row in read_rows(path)
        if row["Ad_ID"].isdigit()
        and row["Create_Date"] != "NA"
        and any(row[key] != "NA" for key in ("Clicks", "Impressions", "Spend_RUB"))
    ]


async def test_rub_ads_converted_to_usd(imports_db: AsyncEngine) -> None:
    ads_path = real_data_file("fb_ads_ira_2015_2017_rub_with_ad_text.csv")
    rates_path = real_data_file("rub_usd_daily_exchange_rates_2015-01_2018-05.csv")
    await add_customer(imports_db, "ira", "USD")
    async with imports_db.begin() as conn:
        rates_summary = await import_rates_file(
            conn,
            rates_path,
            rates_path.name,
            options=ParseOptions(locale=NumberLocale.EN),
        )
    assert rates_summary.rates == 841
    assert rates_summary.pairs == ["USD/RUB"]

    summary = await run_import(
        imports_db,
        "ira",
        ads_path,
        "csv",
        IRA_MAPPING,
        channel="facebook",
        currency="RUB",
        skip_invalid=True,
    )

    rows = _valid_ira_rows(ads_path)
    rates = _rates_by_day(rates_path)
    spend = sum((money(row["Spend_RUB"]) for row in rows), Decimal(0))
    converted = sum(
        (
            (
                money(row["Spend_RUB"])
                / _rate_on(rates, date.fromisoformat(row["Create_Date"]))
            ).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
            for row in rows
        ),
        Decimal(0),
    )
    totals = summary.totals[0]
    assert summary.rows_imported == len(rows)
    assert totals.currency == "RUB"
    assert totals.spend == spend
    assert totals.impressions == sum(whole(row["Impressions"]) for row in rows)
    assert totals.clicks == sum(whole(row["Clicks"]) for row in rows)
    assert summary.spend_converted == converted
    # The file also states each spend in USD at its own rates; the sums agree to cents.
    stated_usd = sum((money(row["Spend_USD"]) for row in rows), Decimal(0))
    assert abs(summary.spend_converted - stated_usd) < Decimal("0.50")
    reasons = {item.reason: item for item in summary.skipped}
    assert reasons["invalid row"].rows == 9
    assert "3513" in reasons["invalid row"].lines
    assert "3515" in reasons["invalid row"].lines
    copy = await scalar(
        imports_db, "SELECT ad_copy FROM creatives.ad_performance WHERE ad_id = '356'"
    )
    assert copy == "Such a beautiful day! Such a beatiful view!"


async def test_rub_ads_without_rates_fail(imports_db: AsyncEngine) -> None:
    ads_path = real_data_file("fb_ads_ira_2015_2017_rub_with_ad_text.csv")
    await add_customer(imports_db, "ira", "USD")

    with pytest.raises(
        ImportFileError, match="no exchange rate from RUB to USD for 2015-06-09"
    ):
        await run_import(
            imports_db,
            "ira",
            ads_path,
            "csv",
            IRA_MAPPING,
            currency="RUB",
            skip_invalid=True,
        )


async def test_kaggle_shifted_rows_are_reported(imports_db: AsyncEngine) -> None:
    path = real_data_file("kaggle_fb_ad_campaign_2017_with_reporting_dates_raw.csv")
    await add_customer(imports_db, "k", "USD")

    with pytest.raises(ImportFileError) as caught:
        await run_import(imports_db, "k", path, "csv", KAGGLE_MAPPING, currency="USD")

    error = caught.value
    assert error.problem_count == 382
    assert "lines 763-1144" in error.message
    assert "shifted 2 columns to the left" in error.message
    first = error.problems[0]
    assert first.line == 763
    assert (
        await scalar(imports_db, "SELECT count(*) FROM creatives.ad_performance") == 0
    )


async def test_kaggle_valid_rows_import_with_skip(imports_db: AsyncEngine) -> None:
    path = real_data_file("kaggle_fb_ad_campaign_2017_with_reporting_dates_raw.csv")
    aligned = [row for row in read_rows(path) if row["approved_conversion"] != ""]
    await add_customer(imports_db, "k", "USD")

    summary = await run_import(
        imports_db, "k", path, "csv", KAGGLE_MAPPING, currency="USD", skip_invalid=True
    )

    totals = summary.totals[0]
    assert summary.rows_imported == len(aligned) == 761
    assert summary.skipped[0].lines == "763-1144"
    assert totals.spend == sum(money(row["spent"]) for row in aligned)
    assert totals.impressions == sum(whole(row["impressions"]) for row in aligned)
    assert totals.clicks == sum(whole(row["clicks"]) for row in aligned)
    assert summary.period_start == date(2017, 8, 17)
    assert summary.period_end == date(2017, 8, 30)

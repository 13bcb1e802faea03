"""`creatives import ...` run as a user runs it, in a subprocess."""

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import real_data_file
from tests.integration.imports.conftest import FIXTURES, add_customer
from tests.integration.test_cli import run_cli

META_SEPTEMBER = (
    "meta_ads_manager_export_pcmerchandise_php/"
    "meta_ads_export_ad_level_2025-09-01_2025-09-30.csv"
)


@pytest.mark.realdata
async def test_cli_imports_meta_export(
    database_url: str, imports_db: AsyncEngine
) -> None:
    path = real_data_file(META_SEPTEMBER)
    await add_customer(imports_db, "pcm", "PHP")

    first = run_cli(database_url, "import", "meta", str(path), "--customer", "pcm")
    again = run_cli(database_url, "import", "meta", str(path), "--customer", "pcm")

    assert first.returncode == 0, first.stderr
    assert "Rows read: 65, imported: 65, skipped: 0" in first.stdout
    assert "Dates: 2025-09-01 to 2025-09-30" in first.stdout
    assert "PHP: spend 66,067.60" in first.stdout
    assert again.returncode == 0, again.stderr
    assert "already imported" in again.stdout
    assert "Rows read: 65, imported earlier: 65, skipped: 0" in again.stdout
    assert "PHP: spend 66,067.60" in again.stdout


async def test_cli_reports_bad_cell(database_url: str, imports_db: AsyncEngine) -> None:
    await add_customer(imports_db, "23", "USD")

    result = run_cli(
        database_url,
        "import",
        "csv",
        str(FIXTURES / "mapped_invalid_cell.csv"),
        "--customer",
        "23",
        "--map",
        "ad_name=ad,date=day,spend=cost,clicks=clicks",
        "--currency",
        "USD",
    )

    assert result.returncode == 2
    assert "line 3, column 'cost', value 'abc'" in result.stderr
    assert "Nothing was imported." in result.stderr


async def test_cli_lists_skipped_lines(
    database_url: str, imports_db: AsyncEngine
) -> None:
    await add_customer(imports_db, "23", "USD")

    result = run_cli(
        database_url,
        "import",
        "google-ads",
        str(FIXTURES / "google_ads_titles_totals.csv"),
        "--customer",
        "23",
    )

    assert result.returncode == 0, result.stderr
    assert "skipped 2 (summary row): lines 6-7" in result.stdout
    assert "USD: spend 1,234.50" in result.stdout


@pytest.mark.realdata
async def test_cli_imports_rates(database_url: str, imports_db: AsyncEngine) -> None:
    path = real_data_file("rub_usd_daily_exchange_rates_2015-01_2018-05.csv")

    ambiguous = run_cli(database_url, "import", "rates", str(path))
    result = run_cli(database_url, "import", "rates", str(path), "--locale", "en")

    assert ambiguous.returncode == 2
    assert "--locale" in ambiguous.stderr
    assert result.returncode == 0, result.stderr
    assert "Stored 841 rates" in result.stdout
    assert "USD/RUB, 2015-01-02 to 2018-05-11" in result.stdout


def test_cli_help_names_units() -> None:
    result = run_cli("postgresql://unused/help", "import", "csv", "--help")

    assert result.returncode == 0
    for option in ("--map", "--year", "--locale", "--currency", "--date-format"):
        assert option in result.stdout
    assert "1,234.56" in result.stdout

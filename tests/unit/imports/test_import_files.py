"""Parsing rules checked on small made-up exports in tests/fixtures/imports."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from creatives.imports.errors import ImportFileError
from creatives.imports.parsing.numbers import NumberLocale
from creatives.imports.parsing.table import TableFile
from creatives.imports.platforms.google_ads import GoogleAdsPlatform
from creatives.imports.platforms.mapped_csv import (
    MappedCsvPlatform,
    MappingError,
    parse_mapping,
)
from creatives.imports.platforms.meta import MetaAdsPlatform
from creatives.imports.reader import ParsedFile, Platform
from creatives.imports.rows import AdRow, ParseOptions

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"


def parse(
    name: str, platform: Platform, **options: object
) -> tuple[list[AdRow], ParsedFile]:
    parsed = ParsedFile(FIXTURES / name, name, platform, ParseOptions(**options))  # type: ignore[arg-type]
    return list(parsed.rows()), parsed


def parse_path(path: Path, platform: Platform) -> tuple[list[AdRow], ParsedFile]:
    parsed = ParsedFile(path, path.name, platform, ParseOptions())
    return list(parsed.rows()), parsed


def mapped(text: str, year: int | None = None) -> MappedCsvPlatform:
    return MappedCsvPlatform(parse_mapping(text), "display", has_year=year is not None)


def test_bom_before_header_is_removed() -> None:
    rows, parsed = parse("meta_bom_period.csv", MetaAdsPlatform())

    assert parsed.header.names[0] == "Reporting starts"
    assert len(rows) == 3


@pytest.mark.parametrize(
    ("name", "delimiter"),
    [
        ("meta_bom_period.csv", ","),
        ("google_semicolon_german.csv", ";"),
        ("mapped_tab_dollars.tsv", "\t"),
    ],
)
def test_delimiter_is_detected(name: str, delimiter: str) -> None:
    assert TableFile(FIXTURES / name).delimiter == delimiter


def test_period_rows_and_currency_header() -> None:
    rows, _ = parse("meta_bom_period.csv", MetaAdsPlatform())
    first = rows[0]

    assert first.period_start == date(2024, 5, 1)
    assert first.period_end == date(2024, 5, 31)
    assert first.currency == "EUR"
    assert first.spend == Decimal("120.50")
    assert first.reach == 1200
    assert first.clicks == 41
    assert first.conversions == Decimal(3)
    assert first.conversion_value == Decimal("90.00")


def test_dash_and_empty_mean_missing() -> None:
    rows, _ = parse("meta_bom_period.csv", MetaAdsPlatform())
    carousel, zero = rows[1], rows[2]

    assert carousel.reach is None
    assert carousel.clicks is None
    assert carousel.conversions is None
    assert carousel.conversion_value is None
    assert carousel.impressions == 800
    assert zero.reach == 0
    assert zero.spend == Decimal(0)


def test_meta_summary_row_is_skipped() -> None:
    rows, parsed = parse("meta_summary_row.csv", MetaAdsPlatform())

    assert [row.ad_name for row in rows] == ["Ad A", "Ad B"]
    assert sum(row.spend or 0 for row in rows) == Decimal("300.00")
    assert parsed.stats.skipped == {"summary row": 1}


def test_german_numbers_and_currency_column() -> None:
    rows, parsed = parse("google_semicolon_german.csv", GoogleAdsPlatform())

    assert parsed.locale is NumberLocale.DE
    assert rows[0].spend == Decimal("1355.90")
    assert rows[0].impressions == 12345
    assert rows[0].clicks == 1020
    assert rows[0].conversions == Decimal("3.5")
    assert rows[0].conversion_value == Decimal("2500.00")
    assert rows[0].currency == "EUR"
    assert rows[1].spend == Decimal("2.10")


def test_dollar_amounts_with_currency_sign() -> None:
    rows, parsed = parse(
        "mapped_tab_dollars.tsv",
        mapped("ad_id=Ad ID,ad_name=Ad name,date=Day,spend=Spend,currency=Currency"),
    )

    assert parsed.locale is NumberLocale.EN
    assert rows[0].spend == Decimal("1200.00")
    assert rows[0].period_start == date(2024, 5, 1)
    assert rows[1].currency == "USD"


def test_ambiguous_file_asks_for_locale() -> None:
    platform = mapped("ad_name=ad,date=day,spend=cost,impressions=views")

    with pytest.raises(ImportFileError, match="--locale"):
        parse("mapped_german_ambiguous.csv", platform, currency="EUR")

    rows, _ = parse(
        "mapped_german_ambiguous.csv", platform, currency="EUR", locale=NumberLocale.DE
    )
    assert rows[0].spend == Decimal(12345)
    assert rows[1].impressions == 2000


def test_mixed_notation_fails() -> None:
    platform = mapped("ad_name=ad,date=day,spend=cost")

    with pytest.raises(ImportFileError, match="both English notation"):
        parse("mapped_mixed_notation.csv", platform, currency="EUR")


def test_titles_and_total_rows_are_skipped() -> None:
    rows, parsed = parse("google_ads_titles_totals.csv", GoogleAdsPlatform())

    assert [row.ad_id for row in rows] == ["501", "502"]
    assert parsed.stats.skipped == {"summary row": 2}
    assert sum(row.spend or 0 for row in rows) == Decimal("1234.50")
    assert rows[0].period_start == date(2024, 5, 1)
    assert rows[0].period_end == date(2024, 5, 31)
    assert rows[0].ad_copy == 'Fresh pizza\nOrder now, "hot" and fast'
    assert rows[0].conversions == Decimal("12.5")
    assert rows[1].ad_copy == "Cold pizza"


def test_quoted_fields_are_kept_exactly() -> None:
    rows, _ = parse(
        "mapped_quoted_multiline.csv",
        mapped("ad_id=id,ad_name=name,ad_copy=copy,date=date,spend=spend"),
        currency="USD",
    )

    assert rows[0].ad_copy == 'Line one\nLine two with "quotes" and 🍕 emoji\n'
    assert rows[1].ad_copy == "Plain, with comma"
    assert rows[2].ad_copy == "Ends here 🌴"
    assert rows[3].ad_copy is None


def test_line_numbers_follow_multiline_fields() -> None:
    rows, _ = parse(
        "mapped_quoted_multiline.csv",
        mapped("ad_id=id,ad_name=name,ad_copy=copy,date=date,spend=spend"),
        currency="USD",
    )

    assert [row.line for row in rows] == [2, 5, 6, 7]


def test_date_notations_in_one_file() -> None:
    rows, parsed = parse(
        "mapped_quoted_multiline.csv",
        mapped("ad_id=id,ad_name=name,date=date,spend=spend"),
        currency="USD",
    )

    assert [row.period_start for row in rows] == [
        date(2024, 5, 1),
        date(2024, 5, 2),
        date(2024, 5, 3),
        date(2024, 5, 4),
    ]
    assert rows[3].spend == Decimal("4.00")
    assert parsed.stats.skipped == {}


def test_stable_key_without_ad_id() -> None:
    rows, _ = parse(
        "mapped_no_ad_id.csv",
        mapped(
            "campaign_name=campaign,ad_set_name=adset,ad_name=ad,date=date,spend=cost"
        ),
        currency="USD",
    )

    assert rows[0].ad_id is None
    assert rows[0].ad_key.startswith("name:")
    assert rows[0].ad_key == rows[1].ad_key
    assert rows[0].ad_key != rows[2].ad_key


def test_month_and_day_with_year_option() -> None:
    platform = mapped(
        "month=month,day=day,campaign_name=campaign,ad_name=banner,spend=cost,"
        "impressions=displays,clicks=clicks,conversion_value=revenue",
        year=2020,
    )
    rows, _ = parse("mapped_breakdown_rows.csv", platform, year=2020, currency="USD")

    assert [row.period_start for row in rows] == [date(2020, 4, 1)] * 2 + [
        date(2020, 4, 2)
    ]
    assert rows[2].clicks is None


def test_shifted_rows_are_reported() -> None:
    platform = mapped(
        "ad_id=ad_id,period_start=start,period_end=end,campaign_id=campaign_id,"
        "ad_set_id=group_id,impressions=impressions,clicks=clicks,spend=spent,"
        "conversions=conversions"
    )

    with pytest.raises(ImportFileError) as caught:
        parse("mapped_shifted_rows.csv", platform, currency="USD")

    error = caught.value
    assert error.problem_count == 2
    assert [problem.line for problem in error.problems] == [6, 7]
    assert "lines 6-7" in error.message
    assert "shifted 2 columns to the left" in error.message
    assert "so its values may be shifted 2 columns" in error.message
    assert error.problems[0].value == "30-34"


def test_non_utf8_file_error_reads_as_sentence(tmp_path: Path) -> None:
    path = tmp_path / "notcsv.bin"
    path.write_bytes(b"Ad name,Amount spent\n\xff\xfe\x00bad,1\n")

    with pytest.raises(ImportFileError) as caught:
        parse_path(path, MetaAdsPlatform())

    assert str(caught.value).startswith("notcsv.bin: is not UTF-8 text")


def test_skip_invalid_reports_lines() -> None:
    platform = mapped(
        "ad_id=ad_id,period_start=start,period_end=end,campaign_id=campaign_id,"
        "impressions=impressions,clicks=clicks,spend=spent"
    )
    rows, parsed = parse(
        "mapped_shifted_rows.csv", platform, currency="USD", skip_invalid=True
    )

    assert [row.ad_id for row in rows] == ["100", "101", "104", "105"]
    assert parsed.stats.skipped == {"invalid row": 2}
    assert str(parsed.stats.skipped_lines["invalid row"]) == "6-7"


def test_invalid_cell_names_line_column_value() -> None:
    platform = mapped("ad_name=ad,date=day,spend=cost,clicks=clicks")

    with pytest.raises(ImportFileError) as caught:
        parse("mapped_invalid_cell.csv", platform, currency="USD")

    problem = caught.value.first
    assert problem is not None
    assert problem.line == 3
    assert problem.column == "cost"
    assert problem.value == "abc"
    assert str(caught.value).startswith("mapped_invalid_cell.csv, line 3")


def test_missing_currency_is_an_error() -> None:
    platform = mapped("ad_name=banner,month=month,day=day,spend=cost", year=2020)

    with pytest.raises(ImportFileError, match="--currency"):
        parse("mapped_breakdown_rows.csv", platform, year=2020)


def test_xlsx_export_is_read() -> None:
    rows, parsed = parse("meta_export.xlsx", MetaAdsPlatform())

    assert parsed.header.line == 3
    assert len(rows) == 3
    assert rows[0].ad_id == "23850000000001"
    assert rows[0].ad_name == "Sunset 🌴"
    assert rows[0].spend == Decimal("12.34")
    assert rows[0].period_start == date(2024, 5, 1)
    assert rows[1].spend == Decimal("0.1")
    assert rows[1].clicks is None
    assert rows[2].ad_id == "23850000000002"
    assert rows[2].period_end == date(2024, 5, 31)
    assert rows[2].conversion_value == Decimal("1234.50")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("spend=Cost,bogus=X", "unknown field"),
        ("spend", "FIELD=COLUMN"),
        ("spend=Cost,date=Day,period_start=Start", "period_end"),
        ("spend=Cost", "exactly one of"),
        ("spend=A,spend=B,date=D", "mapped twice"),
    ],
)
def test_mapping_errors(text: str, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        parse_mapping(text)


def test_mapping_allows_commas_in_columns() -> None:
    mapping = parse_mapping("spend=Cost, in EUR,date=Day,ad_copy=Headline+Description")

    assert mapping["spend"] == ["Cost, in EUR"]  # type: ignore[index]
    assert mapping["ad_copy"] == ["Headline", "Description"]  # type: ignore[index]


def test_utf16_tab_export_is_read(tmp_path: Path) -> None:
    text = (FIXTURES / "google_ads_titles_totals.csv").read_text(encoding="utf-8")
    tabbed = "\n".join(line.replace(",", "\t") for line in text.splitlines()[:3])
    path = tmp_path / "excel.csv"
    path.write_text(
        tabbed + "\nEnabled\t9\tAd\tBrand\tExact\tAd\t--\tUSD\t1.50\t10\t1\t0\t0\n",
        encoding="utf-16",
    )

    rows, parsed = parse_path(path, GoogleAdsPlatform())

    assert parsed.table.delimiter == "\t"
    assert rows[0].ad_id == "9"
    assert rows[0].spend == Decimal("1.50")


# The same made-up Google Ads ad report, segmented by day, as the interface downloads it:
# ".csv" (UTF-8, commas), "Excel .csv" (UTF-16 with a byte order mark, tabs) and ".xlsx".
# Each has the report name and date range above the header, "--" and " --" for no value,
# percentage columns, and "Total: ..." rows at the end.
GOOGLE_ADS_DOWNLOADS = (
    "google_ads_daily.csv",
    "google_ads_daily_excel.csv",
    "google_ads_daily.xlsx",
)


@pytest.mark.parametrize("name", GOOGLE_ADS_DOWNLOADS)
def test_google_ads_download_formats(name: str) -> None:
    rows, parsed = parse(name, GoogleAdsPlatform())

    assert parsed.stats.skipped == {"summary row": 3}
    assert [(row.ad_id, row.period_start) for row in rows] == [
        ("701", date(2024, 5, 1)),
        ("701", date(2024, 5, 2)),
        ("702", date(2024, 5, 1)),
    ]
    assert [row.period_end for row in rows] == [row.period_start for row in rows]
    assert [row.spend for row in rows] == [
        Decimal("1234.50"),
        Decimal("100.00"),
        Decimal("5.25"),
    ]
    assert [row.impressions for row in rows] == [10000, 900, 300]
    assert [row.clicks for row in rows] == [250, 10, 3]
    assert [row.conversions for row in rows] == [
        Decimal("12.50"),
        Decimal(0),
        Decimal("1.00"),
    ]
    assert [row.conversion_value for row in rows] == [Decimal("3000.00"), None, None]
    assert {row.currency for row in rows} == {"USD"}
    assert rows[0].ad_copy == "Fresh pizza\nOrder now"
    assert rows[2].ad_copy == "Cold pizza"


def test_google_ads_excel_csv_is_utf16_tabs() -> None:
    table = TableFile(FIXTURES / "google_ads_daily_excel.csv")

    assert table.encoding.startswith("utf-16")
    assert table.delimiter == "\t"


def test_google_ads_xlsx_period_from_title() -> None:
    rows, parsed = parse("google_ads_period.xlsx", GoogleAdsPlatform())

    assert parsed.stats.skipped == {"summary row": 3}
    assert len(rows) == 3
    assert {(row.period_start, row.period_end) for row in rows} == {
        (date(2024, 5, 1), date(2024, 5, 2))
    }
    assert rows[0].spend == Decimal("1234.50")

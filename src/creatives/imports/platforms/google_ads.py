"""Google Ads report downloads (Reports > Ads, or a custom report, as CSV or XLSX).

Google Ads puts the report name and its date range on the lines above the header,
for example `Ad report` and `January 1, 2024 - January 31, 2024`. Without a `Day`
column every row covers that whole range, so it is stored as one period.
"""

from datetime import date

from creatives.imports.errors import CellError, file_error
from creatives.imports.parsing.dates import parse_date
from creatives.imports.parsing.table import Header
from creatives.imports.platforms.base import (
    Aliases,
    ColumnMap,
    Field,
    check_required,
    currency_from_suffixes,
)

ALIASES = Aliases(
    {
        Field.AD_ID: ("Ad ID",),
        Field.AD_NAME: ("Ad name", "Ad", "Headline 1", "Headline"),
        Field.AD_SET_ID: ("Ad group ID",),
        Field.AD_SET_NAME: ("Ad group",),
        Field.CAMPAIGN_ID: ("Campaign ID",),
        Field.CAMPAIGN_NAME: ("Campaign",),
        Field.AD_COPY: (
            "Headline 1",
            "Headline 2",
            "Headline 3",
            "Headlines",
            "Long headline",
            "Description",
            "Description 1",
            "Description 2",
            "Descriptions",
        ),
        Field.DATE: ("Day", "Date"),
        Field.CURRENCY: ("Currency code", "Currency"),
        Field.SPEND: ("Cost",),
        Field.IMPRESSIONS: ("Impr.", "Impressions"),
        Field.CLICKS: ("Clicks",),
        Field.CONVERSIONS: ("Conversions",),
        Field.CONVERSION_VALUE: (
            "Conv. value",
            "Conversion value",
            "Total conv. value",
        ),
    }
)


def period_from_titles(titles: list[list[str]]) -> tuple[date, date] | None:
    """Find a title line such as `January 1, 2024 - January 31, 2024`."""
    for line in titles:
        for cell in line:
            parts = cell.split(" - ")
            if len(parts) != 2:
                continue
            try:
                start, end = parse_date(parts[0].strip()), parse_date(parts[1].strip())
            except CellError:
                continue
            if start is not None and end is not None and start <= end:
                return start, end
    return None


class GoogleAdsPlatform:
    """Column layout of a Google Ads ad report."""

    channel = "google"

    def describe_header(self) -> str:
        return "a Google Ads header with 'Campaign' and 'Cost' or 'Impr.'"

    def is_header(self, names: list[str]) -> bool:
        lowered = {name.casefold() for name in names}
        metric = bool(lowered & {"cost", "impr.", "impressions"}) or any(
            name.startswith("cost (") for name in lowered
        )
        return "campaign" in lowered and metric

    def column_map(self, file_name: str, header: Header) -> ColumnMap:
        positions, suffixes = ALIASES.resolve(header)
        check_required(file_name, positions, header.names)
        period = None
        if Field.DATE not in positions:
            period = period_from_titles(header.title_lines)
            if period is None:
                raise file_error(
                    file_name,
                    "no 'Day' column and no date range line (such as 'January 1, "
                    "2024 - January 31, 2024') above the header; download the report "
                    "with its date range or segment it by day",
                )
        currency = currency_from_suffixes(file_name, positions, suffixes)
        return ColumnMap(
            positions, header.names, currency=currency, default_period=period
        )

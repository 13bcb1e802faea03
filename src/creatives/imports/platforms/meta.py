"""Meta Ads Manager exports (Ads reporting > Export table data, CSV or XLSX).

Conversions are the `Purchases` column and their value `Purchases conversion value`.
The `Results` column is left out, because it counts whatever the campaign objective
is (messaging conversations, reach, ...), which is not comparable across ads.
"""

from creatives.imports.errors import file_error
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
        Field.AD_NAME: ("Ad name",),
        Field.AD_SET_ID: ("Ad set ID",),
        Field.AD_SET_NAME: ("Ad set name",),
        Field.CAMPAIGN_ID: ("Campaign ID",),
        Field.CAMPAIGN_NAME: ("Campaign name",),
        Field.AD_COPY: ("Body", "Ad body", "Primary text", "Body (ad settings)"),
        Field.DATE: ("Day",),
        Field.PERIOD_START: ("Reporting starts",),
        Field.PERIOD_END: ("Reporting ends",),
        Field.CURRENCY: ("Currency",),
        Field.SPEND: ("Amount spent",),
        Field.IMPRESSIONS: ("Impressions",),
        Field.REACH: ("Reach",),
        Field.CLICKS: ("Link clicks", "Clicks (all)"),
        Field.CONVERSIONS: ("Purchases", "Website purchases"),
        Field.CONVERSION_VALUE: (
            "Purchases conversion value",
            "Website purchases conversion value",
        ),
    }
)


class MetaAdsPlatform:
    """Column layout of a Meta Ads Manager ad-level export."""

    channel = "facebook"

    def describe_header(self) -> str:
        return "a Meta Ads Manager header with 'Ad name' and 'Amount spent (CUR)'"

    def is_header(self, names: list[str]) -> bool:
        lowered = {name.casefold() for name in names}
        has_ad = "ad name" in lowered or "ad id" in lowered
        has_spend = any(name.startswith("amount spent") for name in lowered)
        return has_ad and has_spend

    def column_map(self, file_name: str, header: Header) -> ColumnMap:
        positions, suffixes = ALIASES.resolve(header)
        check_required(file_name, positions, header.names)
        has_day = Field.DATE in positions
        has_period = Field.PERIOD_START in positions and Field.PERIOD_END in positions
        if has_day:
            positions.pop(Field.PERIOD_START, None)
            positions.pop(Field.PERIOD_END, None)
        elif not has_period:
            raise file_error(
                file_name,
                "no 'Day' column and no 'Reporting starts'/'Reporting ends' columns; "
                "export with a time breakdown by day or keep the reporting dates",
            )
        currency = currency_from_suffixes(file_name, positions, suffixes)
        return ColumnMap(positions, header.names, currency=currency)

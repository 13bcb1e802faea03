"""Canonical import fields and how a platform's header columns map onto them."""

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from creatives.imports.errors import file_error
from creatives.imports.parsing.table import Header


class Field(StrEnum):
    """A value the importer understands; mapped from one or more file columns."""

    AD_ID = "ad_id"
    AD_NAME = "ad_name"
    AD_SET_ID = "ad_set_id"
    AD_SET_NAME = "ad_set_name"
    CAMPAIGN_ID = "campaign_id"
    CAMPAIGN_NAME = "campaign_name"
    AD_COPY = "ad_copy"
    DATE = "date"
    PERIOD_START = "period_start"
    PERIOD_END = "period_end"
    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    CURRENCY = "currency"
    SPEND = "spend"
    IMPRESSIONS = "impressions"
    REACH = "reach"
    CLICKS = "clicks"
    CONVERSIONS = "conversions"
    CONVERSION_VALUE = "conversion_value"


ID_FIELDS = (Field.AD_ID, Field.AD_SET_ID, Field.CAMPAIGN_ID)
NAME_FIELDS = (Field.CAMPAIGN_NAME, Field.AD_SET_NAME, Field.AD_NAME)
IDENTITY_FIELDS = ID_FIELDS + NAME_FIELDS
COUNT_FIELDS = (Field.IMPRESSIONS, Field.REACH, Field.CLICKS)
MONEY_FIELDS = (Field.SPEND, Field.CONVERSION_VALUE)
METRIC_FIELDS = (*MONEY_FIELDS, *COUNT_FIELDS, Field.CONVERSIONS)
MULTI_COLUMN_FIELDS = (Field.AD_COPY,)

_CURRENCY_SUFFIX_RE = re.compile(r"^(?P<name>.*?)\s*\((?P<currency>[A-Z]{3})\)$")


def split_currency_suffix(column: str) -> tuple[str, str | None]:
    """Split `Amount spent (PHP)` into `Amount spent` and `PHP`."""
    match = _CURRENCY_SUFFIX_RE.match(column.strip())
    if match is None:
        return column.strip(), None
    return match["name"], match["currency"]


@dataclass(frozen=True)
class ColumnMap:
    """Resolved positions of each field in the header, plus facts taken from it."""

    positions: dict[Field, list[int]]
    names: list[str]
    currency: str | None = None
    default_period: tuple[date, date] | None = None

    def has(self, name: Field) -> bool:
        return name in self.positions

    def column_names(self, name: Field) -> list[str]:
        return [self.names[position] for position in self.positions.get(name, [])]


@dataclass(frozen=True)
class Aliases:
    """Header names that a platform uses for each field, most specific first."""

    by_field: dict[Field, tuple[str, ...]] = field(default_factory=dict)

    def resolve(self, header: Header) -> tuple[dict[Field, list[int]], dict[int, str]]:
        """Return the field positions and the currencies named in header suffixes."""
        bare = [split_currency_suffix(name) for name in header.names]
        lowered = [name.casefold() for name, _ in bare]
        positions: dict[Field, list[int]] = {}
        for target, candidates in self.by_field.items():
            found = [
                lowered.index(c.casefold())
                for c in candidates
                if c.casefold() in lowered
            ]
            if found:
                positions[target] = (
                    found if target in MULTI_COLUMN_FIELDS else found[:1]
                )
        suffixes = {
            index: currency for index, (_, currency) in enumerate(bare) if currency
        }
        return positions, suffixes


def currency_from_suffixes(
    file_name: str, positions: dict[Field, list[int]], suffixes: dict[int, str]
) -> str | None:
    """Return the currency named by money column headers such as `Cost (EUR)`."""
    found = {
        suffixes[index]
        for name in MONEY_FIELDS
        for index in positions.get(name, [])
        if index in suffixes
    }
    if len(found) > 1:
        raise file_error(
            file_name, f"money columns name different currencies: {sorted(found)}"
        )
    return found.pop() if found else None


def check_required(
    file_name: str, positions: dict[Field, list[int]], names: list[str]
) -> None:
    """Raise unless the columns identify an ad, a day or period, and a metric."""
    if not any(name in positions for name in (Field.AD_ID, Field.AD_NAME)):
        raise file_error(
            file_name,
            "no ad id or ad name column; map one with ad_id=COLUMN or ad_name=COLUMN "
            f"(header: {', '.join(names)})",
        )
    if not any(name in positions for name in METRIC_FIELDS):
        raise file_error(
            file_name,
            "no metric column (spend, impressions, clicks, reach, conversions, "
            f"conversion_value) found (header: {', '.join(names)})",
        )

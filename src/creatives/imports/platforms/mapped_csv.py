"""Any CSV or XLSX export, its columns named by the user (`--map spend=Cost,...`)."""

import re

from creatives.imports.errors import file_error
from creatives.imports.parsing.table import Header
from creatives.imports.platforms.base import (
    MULTI_COLUMN_FIELDS,
    ColumnMap,
    Field,
    check_required,
    currency_from_suffixes,
    split_currency_suffix,
)

_ENTRY_SPLIT_RE = re.compile(r",(?=\s*[a-z_]+\s*=)")
FIELD_NAMES = ", ".join(name.value for name in Field)


class MappingError(ValueError):
    """A `--map` value that cannot be used; the message explains how to fix it."""


def parse_mapping(text: str) -> dict[Field, list[str]]:
    """Parse `spend=Cost,impressions=Displays,ad_copy=Headline+Description`.

    A column name may contain commas unless the text after the comma looks like
    `field=`. Only ad_copy takes several columns, joined with `+`.
    """
    mapping: dict[Field, list[str]] = {}
    for entry in _ENTRY_SPLIT_RE.split(text.strip()):
        if not entry.strip():
            continue
        key, sep, column = entry.partition("=")
        key, column = key.strip(), column.strip()
        if not sep or not column:
            raise MappingError(f"mapping entry {entry!r} is not FIELD=COLUMN")
        try:
            target = Field(key)
        except ValueError as error:
            raise MappingError(
                f"unknown field {key!r} in the mapping; fields are {FIELD_NAMES}"
            ) from error
        if target in mapping:
            raise MappingError(f"field {key!r} is mapped twice")
        columns = column.split("+") if target in MULTI_COLUMN_FIELDS else [column]
        mapping[target] = [part.strip() for part in columns]
    _check_dates(mapping)
    return mapping


def _check_dates(mapping: dict[Field, list[str]]) -> None:
    has_period = Field.PERIOD_START in mapping or Field.PERIOD_END in mapping
    if has_period and not (
        Field.PERIOD_START in mapping and Field.PERIOD_END in mapping
    ):
        raise MappingError("map both period_start and period_end, or map date")
    has_parts = Field.MONTH in mapping or Field.DAY in mapping
    if has_parts and not (Field.MONTH in mapping and Field.DAY in mapping):
        raise MappingError("map both month and day (and year, or pass --year)")
    if sum((Field.DATE in mapping, has_period, has_parts)) != 1:
        raise MappingError(
            "map exactly one of: date=COLUMN, period_start=COLUMN with "
            "period_end=COLUMN, or month=COLUMN with day=COLUMN"
        )


class MappedCsvPlatform:
    """Columns named by a user mapping; the channel is the user's label."""

    def __init__(
        self, mapping: dict[Field, list[str]], channel: str, has_year: bool
    ) -> None:
        if Field.MONTH in mapping and Field.YEAR not in mapping and not has_year:
            raise MappingError(
                "month and day are mapped but no year; map year or pass --year"
            )
        self.mapping = mapping
        self.channel = channel
        self._expected_columns = {
            c.casefold() for columns in mapping.values() for c in columns
        }

    def describe_header(self) -> str:
        columns = sorted({c for columns in self.mapping.values() for c in columns})
        return "a header with the mapped columns " + ", ".join(repr(c) for c in columns)

    def is_header(self, names: list[str]) -> bool:
        return self._expected_columns <= {name.casefold() for name in names}

    def column_map(self, file_name: str, header: Header) -> ColumnMap:
        positions: dict[Field, list[int]] = {}
        for target, columns in self.mapping.items():
            found = []
            for column in columns:
                index = header.index(column)
                if index is None:
                    raise file_error(
                        file_name, f"mapped column {column!r} is not in the header"
                    )
                found.append(index)
            positions[target] = found

        check_required(file_name, positions, header.names)
        suffixes = {
            index: currency
            for index, name in enumerate(header.names)
            if (currency := split_currency_suffix(name)[1])
        }
        currency = currency_from_suffixes(file_name, positions, suffixes)
        return ColumnMap(positions, header.names, currency=currency)

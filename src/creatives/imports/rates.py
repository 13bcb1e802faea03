"""Exchange rate files: a long layout (date, base, quote, rate) or a wide one.

The wide layout has a date column and one column per currency pair, named like
`RUB/USD`. Such a name is read as a unit, "RUB per USD": a value of 58.787 means one
USD costs 58.787 RUB. Files in market notation (`EUR/USD` 1.08 means one EUR costs
1.08 USD) are read with `market_notation=True`.

A stored rate (day, base, quote, rate) always means: one `base` costs `rate` `quote`.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from creatives.imports.errors import CellError, ImportFileError, RowProblem
from creatives.imports.parsing.dates import parse_date
from creatives.imports.parsing.numbers import (
    NumberFormatDetector,
    NumberLocale,
    is_missing,
    parse_decimal,
)
from creatives.imports.parsing.table import (
    Header,
    Record,
    TableFile,
    data_records,
    find_header,
)

_PAIR_RE = re.compile(r"^([A-Z]{3})\s*/\s*([A-Z]{3})$")
_DATE_HEADER_RE = re.compile(r"^[YMD]{2,4}[-/.][YMD]{2}[-/.][YMD]{2,4}$", re.IGNORECASE)
_CODE_RE = re.compile(r"^[A-Z]{3}$")
LONG_COLUMNS = {
    "base": ("base", "base_currency", "from", "from_currency"),
    "quote": ("quote", "quote_currency", "to", "to_currency"),
    "rate": ("rate", "exchange_rate", "value"),
}


@dataclass(frozen=True, slots=True)
class Rate:
    """One `base` costs `rate` units of `quote` on `day`."""

    day: date
    base: str
    quote: str
    rate: Decimal
    line: int


@dataclass(frozen=True)
class _Layout:
    date_index: int
    pairs: list[tuple[int, str, str]]
    long_indexes: dict[str, int] | None


def _is_date_header(name: str) -> bool:
    return "date" in name.casefold() or bool(_DATE_HEADER_RE.match(name))


def _long_indexes(header: Header) -> dict[str, int] | None:
    found = {}
    for key, aliases in LONG_COLUMNS.items():
        index = next((i for a in aliases if (i := header.index(a)) is not None), None)
        if index is None:
            return None
        found[key] = index
    return found


def _is_rates_header(names: list[str]) -> bool:
    has_date = any(_is_date_header(name) for name in names)
    has_pair = any(_PAIR_RE.match(name) for name in names)
    lowered = {name.casefold() for name in names}
    has_long = all(
        any(a in lowered for a in aliases) for aliases in LONG_COLUMNS.values()
    )
    return has_date and (has_pair or has_long)


class RatesFile:
    """A rates file whose layout and number notation are known."""

    def __init__(
        self,
        path: Path,
        file_name: str,
        *,
        market_notation: bool = False,
        locale: NumberLocale | None = None,
    ) -> None:
        self.table = TableFile(path, file_name)
        self.file_name = file_name
        self.market_notation = market_notation
        self.header = find_header(
            self.table,
            _is_rates_header,
            "a date column and pair columns such as 'RUB/USD', "
            "or the columns date, base, quote, rate",
        )
        self.layout = self._layout()
        self.locale = self._detect_locale(locale)

    def _layout(self) -> _Layout:
        names = self.header.names
        date_index = next(i for i, name in enumerate(names) if _is_date_header(name))
        long_indexes = _long_indexes(self.header)
        pairs = []
        for index, name in enumerate(names):
            if match := _PAIR_RE.match(name):
                first, second = match[1], match[2]
                # A unit-style name "RUB/USD" is RUB per one USD, so USD is the base.
                base, quote = (
                    (first, second) if self.market_notation else (second, first)
                )
                pairs.append((index, base, quote))
        return _Layout(date_index, pairs, long_indexes if not pairs else None)

    def _rate_indexes(self) -> list[int]:
        if self.layout.long_indexes is not None:
            return [self.layout.long_indexes["rate"]]
        return [index for index, _, _ in self.layout.pairs]

    def _detect_locale(self, forced: NumberLocale | None) -> NumberLocale:
        detector = NumberFormatDetector()
        indexes = self._rate_indexes()
        for record in data_records(self.table, self.header):
            for index in indexes:
                detector.observe(
                    record.cells[index], record.line, self.header.names[index]
                )
        return detector.decide(self.file_name, forced)

    def rates(self) -> Iterator[Rate]:
        """Yield every rate; raise ImportFileError naming the first bad cell."""
        for record in data_records(self.table, self.header):
            if record.is_empty():
                continue
            day = self._date(record)
            if self.layout.long_indexes is not None:
                yield self._long_rate(record, day, self.layout.long_indexes)
                continue
            for index, base, quote in self.layout.pairs:
                value = self._number(record, index)
                if value is not None:
                    yield Rate(day, base, quote, value, record.line)

    def _fail(self, record: Record, index: int, message: str) -> ImportFileError:
        problem = RowProblem(
            record.line, self.header.names[index], str(record.cells[index]), message
        )
        return ImportFileError(self.file_name, message, [problem])

    def _date(self, record: Record) -> date:
        index = self.layout.date_index
        try:
            day = parse_date(record.cells[index])
        except CellError as error:
            raise self._fail(record, index, str(error)) from error
        if day is None:
            raise self._fail(record, index, "date is missing")
        return day

    def _number(self, record: Record, index: int) -> Decimal | None:
        try:
            value = parse_decimal(record.cells[index], self.locale)
        except CellError as error:
            raise self._fail(record, index, str(error)) from error
        if value is not None and value <= 0:
            raise self._fail(
                record, index, "an exchange rate must be greater than zero"
            )
        return value

    def _code(self, record: Record, index: int) -> str:
        cell = record.cells[index]
        code = "" if is_missing(cell) else str(cell).strip().upper()
        if not _CODE_RE.match(code):
            raise self._fail(
                record, index, "is not an ISO 4217 currency code such as USD"
            )
        return code

    def _long_rate(self, record: Record, day: date, indexes: dict[str, int]) -> Rate:
        value = self._number(record, indexes["rate"])
        if value is None:
            raise self._fail(record, indexes["rate"], "rate is missing")
        base = self._code(record, indexes["base"])
        quote = self._code(record, indexes["quote"])
        if base == quote:
            raise self._fail(
                record, indexes["quote"], "base and quote currency are equal"
            )
        return Rate(day, base, quote, value, record.line)

"""Turn table records into ad performance rows, or into skipped rows with a reason."""

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from creatives.imports.errors import CellError, RowProblem
from creatives.imports.parsing.dates import month_number, parse_date
from creatives.imports.parsing.numbers import (
    Cell,
    NumberLocale,
    is_missing,
    parse_count,
    parse_decimal,
    parse_money,
)
from creatives.imports.parsing.table import Record
from creatives.imports.platforms.base import (
    COUNT_FIELDS,
    ID_FIELDS,
    IDENTITY_FIELDS,
    METRIC_FIELDS,
    ColumnMap,
    Field,
)

_SUMMARY_RE = re.compile(r"^\s*(grand\s+)?totals?\s*([:\-\u2013].*)?$", re.IGNORECASE)
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
NAME_KEY_PREFIX = "name:"

T = TypeVar("T")
CellParser = Callable[[Cell, NumberLocale | None], T | None]


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """Choices the user makes on the command line or in the upload form."""

    locale: NumberLocale | None = None
    date_format: str | None = None
    year: int | None = None
    currency: str | None = None
    skip_invalid: bool = False


@dataclass(frozen=True, slots=True)
class AdRow:
    """Performance of one ad over one day (start == end) or one reporting period."""

    line: int
    ad_key: str
    ad_id: str | None
    campaign_id: str | None
    campaign_name: str | None
    ad_set_id: str | None
    ad_set_name: str | None
    ad_name: str | None
    ad_copy: str | None
    period_start: date
    period_end: date
    currency: str
    spend: Decimal | None
    impressions: int | None
    reach: int | None
    clicks: int | None
    conversions: Decimal | None
    conversion_value: Decimal | None


@dataclass(frozen=True, slots=True)
class SkippedRow:
    line: int
    reason: str


def normalise_name(text: str | None) -> str:
    """Normalise a name for the stable key: NFC, single spaces, case-folded."""
    if text is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def name_key(campaign: str | None, ad_set: str | None, ad_name: str | None) -> str:
    """Return a stable ad key for exports without an ad id.

    The key is a sha256 prefix of the normalised campaign, ad set and ad name, so the
    same ad gets the same key in every export that names it the same way.
    """
    joined = "\x1f".join(normalise_name(part) for part in (campaign, ad_set, ad_name))
    return NAME_KEY_PREFIX + hashlib.sha256(joined.encode()).hexdigest()[:32]


class IdShapes:
    """Counts, per id column, how many ids are all digits; used to spot shifted rows."""

    def __init__(self) -> None:
        self.digits: dict[Field, int] = dict.fromkeys(ID_FIELDS, 0)
        self.other: dict[Field, int] = dict.fromkeys(ID_FIELDS, 0)

    def observe(self, name: Field, cell: Cell) -> None:
        if is_missing(cell):
            return
        if isinstance(cell, Decimal) or str(cell).strip().isdigit():
            self.digits[name] += 1
        else:
            self.other[name] += 1

    def expects_digits(self, name: Field) -> bool:
        return self.digits[name] > self.other[name]


def _text(cell: Cell) -> str | None:
    if is_missing(cell):
        return None
    if isinstance(cell, Decimal):
        return str(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return cell


def _identifier(cell: Cell) -> str | None:
    text = _text(cell)
    return text.strip() if text is not None else None


def _trailing_empty(cells: list[Cell]) -> int:
    count = 0
    for cell in reversed(cells):
        if cell != "":
            break
        count += 1
    return count if count < len(cells) else 0


class RowParser:
    """Parse the data records of one file with its column map and options."""

    def __init__(
        self,
        columns: ColumnMap,
        options: ParseOptions,
        locale: NumberLocale,
        id_shapes: IdShapes,
    ) -> None:
        self.columns = columns
        self.options = options
        self.locale = locale
        self.id_shapes = id_shapes

    def parse(self, record: Record) -> AdRow | SkippedRow:
        """Return the row or a skipped row; raise RowError naming the invalid cell."""
        skipped = self._skip_reason(record)
        if skipped is not None:
            return SkippedRow(record.line, skipped)
        return self._build_row(record)

    def problem(
        self, record: Record, name: Field | None, error: CellError
    ) -> RowProblem:
        """Describe a failed cell with its line, column and value."""
        column, value = None, None
        if name is not None and self.columns.has(name):
            position = self.columns.positions[name][0]
            column = self.columns.names[position]
            value = str(record.cells[position])

        message = str(error)
        shift = _trailing_empty(record.cells)
        if shift:
            message += (
                f"; the row ends with {shift} empty cells, so its values "
                f"may be shifted {shift} columns to the left"
            )
        return RowProblem(record.line, column, value, message)

    def _cell(self, record: Record, name: Field) -> Cell:
        positions = self.columns.positions.get(name)
        return record.cells[positions[0]] if positions else ""

    def _skip_reason(self, record: Record) -> str | None:
        if record.is_empty():
            return "empty row"

        identity = [self._cell(record, name) for name in IDENTITY_FIELDS]
        first = record.cells[0]
        for cell in [first, *identity]:
            if isinstance(cell, str) and _SUMMARY_RE.match(cell):
                return "summary row"

        has_metric = any(
            not is_missing(self._cell(record, name)) for name in METRIC_FIELDS
        )
        if all(is_missing(cell) for cell in identity):
            return "summary row" if has_metric else "empty row"
        if not has_metric:
            return "no metric values"
        return None

    def _build_row(self, record: Record) -> AdRow:
        # Check ids in column order, so the first reported problem is the leftmost.
        ordered = sorted(
            ID_FIELDS, key=lambda name: self.columns.positions.get(name, [0])[0]
        )
        ids = {name: self._parse_id(record, name) for name in ordered}
        names = {
            name: _text(self._cell(record, name))
            for name in (Field.CAMPAIGN_NAME, Field.AD_SET_NAME, Field.AD_NAME)
        }
        start, end = self._period(record)
        currency, spend, value = self._money(record)
        counts = {name: self._count(record, name) for name in COUNT_FIELDS}
        ad_id = ids[Field.AD_ID]
        campaign = names[Field.CAMPAIGN_NAME] or ids[Field.CAMPAIGN_ID]
        ad_set = names[Field.AD_SET_NAME] or ids[Field.AD_SET_ID]

        return AdRow(
            line=record.line,
            ad_key=ad_id or name_key(campaign, ad_set, names[Field.AD_NAME]),
            ad_id=ad_id,
            campaign_id=ids[Field.CAMPAIGN_ID],
            campaign_name=names[Field.CAMPAIGN_NAME],
            ad_set_id=ids[Field.AD_SET_ID],
            ad_set_name=names[Field.AD_SET_NAME],
            ad_name=names[Field.AD_NAME],
            ad_copy=self._ad_copy(record),
            period_start=start,
            period_end=end,
            currency=currency,
            spend=spend,
            impressions=counts[Field.IMPRESSIONS],
            reach=counts[Field.REACH],
            clicks=counts[Field.CLICKS],
            conversions=self._run(record, Field.CONVERSIONS, parse_decimal),
            conversion_value=value,
        )

    def _run(self, record: Record, name: Field, parser: CellParser[T]) -> T | None:
        cell = self._cell(record, name)
        try:
            return parser(cell, self.locale)
        except CellError as error:
            raise RowError(self.problem(record, name, error)) from error

    def _count(self, record: Record, name: Field) -> int | None:
        return self._run(record, name, parse_count)

    def _parse_id(self, record: Record, name: Field) -> str | None:
        cell = self._cell(record, name)
        value = _identifier(cell)
        if value is None or value.isdigit() or not self.id_shapes.expects_digits(name):
            return value
        error = CellError("is not a numeric id like most ids in this column")
        raise RowError(self.problem(record, name, error))

    def _ad_copy(self, record: Record) -> str | None:
        parts = [
            _text(record.cells[p])
            for p in self.columns.positions.get(Field.AD_COPY, [])
        ]
        present = [part for part in parts if part is not None]
        return "\n".join(present) if present else None

    def _date(self, record: Record, name: Field) -> date:
        cell = self._cell(record, name)
        try:
            parsed = parse_date(cell, self.options.date_format)
        except CellError as error:
            raise RowError(self.problem(record, name, error)) from error
        if parsed is None:
            raise RowError(self.problem(record, name, CellError("date is missing")))
        return parsed

    def _period(self, record: Record) -> tuple[date, date]:
        if self.columns.has(Field.DATE):
            day = self._date(record, Field.DATE)
            return day, day
        if self.columns.has(Field.PERIOD_START):
            start = self._date(record, Field.PERIOD_START)
            end = self._date(record, Field.PERIOD_END)
            if end < start:
                error = CellError(f"period ends before it starts ({start.isoformat()})")
                raise RowError(self.problem(record, Field.PERIOD_END, error))
            return start, end
        if self.columns.has(Field.MONTH):
            day = self._date_from_parts(record)
            return day, day
        if self.columns.default_period is not None:
            return self.columns.default_period
        raise RowError(RowProblem(record.line, None, None, "row has no date"))

    def _date_from_parts(self, record: Record) -> date:
        year = self.options.year
        if self.columns.has(Field.YEAR):
            year = self._run(record, Field.YEAR, parse_count)
        if year is None:
            error = CellError("year is missing; map a year column or pass --year")
            raise RowError(self.problem(record, Field.YEAR, error))

        month = self._run(record, Field.MONTH, lambda cell, _: month_number(str(cell)))
        day = self._run(record, Field.DAY, parse_count)
        if month is None or day is None:
            raise RowError(
                RowProblem(record.line, None, None, "month or day is missing")
            )
        try:
            return date(year, month, day)
        except ValueError as error:
            raise RowError(
                self.problem(record, Field.DAY, CellError(str(error)))
            ) from error

    def _money(self, record: Record) -> tuple[str, Decimal | None, Decimal | None]:
        spend = self._run(record, Field.SPEND, parse_money)
        value = self._run(record, Field.CONVERSION_VALUE, parse_money)
        currency = self._currency(record)
        for name, money in ((Field.SPEND, spend), (Field.CONVERSION_VALUE, value)):
            if money is None or money.currency is None:
                continue
            if currency is None:
                currency = money.currency
            elif money.currency != currency:
                error = CellError(
                    f"is in {money.currency}, but the row's currency is {currency}"
                )
                raise RowError(self.problem(record, name, error))

        if currency is None:
            error = CellError(
                "no currency: the file has no currency column, no currency in the "
                "spend header (such as 'Cost (EUR)') and no sign in the amount; "
                "pass --currency"
            )
            raise RowError(self.problem(record, Field.SPEND, error))
        return (
            currency,
            spend.amount if spend else None,
            value.amount if value else None,
        )

    def _currency(self, record: Record) -> str | None:
        from_header = self.columns.currency or self.options.currency
        cell = _identifier(self._cell(record, Field.CURRENCY))
        if cell is None:
            return from_header

        code = cell.upper()
        if not _CURRENCY_RE.match(code):
            error = CellError("is not an ISO 4217 currency code such as EUR or USD")
            raise RowError(self.problem(record, Field.CURRENCY, error))
        if self.columns.currency and code != self.columns.currency:
            error = CellError(
                f"differs from the currency in the header ({self.columns.currency})"
            )
            raise RowError(self.problem(record, Field.CURRENCY, error))
        return code


class RowError(Exception):
    """A row that cannot be imported; carries the problem with line and column."""

    def __init__(self, problem: RowProblem) -> None:
        super().__init__(problem.describe())
        self.problem = problem

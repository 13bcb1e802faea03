"""Dates in the notations ad platforms export: ISO, M/D/YYYY, `May 1, 2024`, ..."""

import re
from datetime import date, datetime

from creatives.imports.errors import CellError
from creatives.imports.parsing.numbers import Cell, is_missing

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_ISO_RE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ][\d:.+\-Z]*)?$")
_US_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DOTTED_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_MONTH_FIRST_RE = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_DAY_FIRST_RE = re.compile(r"^(\d{1,2})\.?\s+([A-Za-z]+)\.?,?\s+(\d{4})$")

DATE_FORMATS_HELP = (
    "YYYY-MM-DD, YYYY/MM/DD, M/D/YYYY, D.M.YYYY, 'May 1, 2024', '1 May 2024'"
)


def month_number(text: str) -> int:
    """Return 1-12 for a month name, abbreviation or number."""
    cleaned = text.strip().rstrip(".").casefold()
    if cleaned.isdigit() and 1 <= int(cleaned) <= 12:
        return int(cleaned)
    if cleaned in MONTHS:
        return MONTHS[cleaned]
    raise CellError("is not a month name or number")


def _build(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as error:
        raise CellError(f"is not a valid date ({error})") from error


def _parse_known(text: str) -> date | None:
    if match := _ISO_RE.match(text):
        return _build(int(match[1]), int(match[2]), int(match[3]))
    if match := _US_RE.match(text):
        return _build(int(match[3]), int(match[1]), int(match[2]))
    if match := _DOTTED_RE.match(text):
        return _build(int(match[3]), int(match[2]), int(match[1]))
    if match := _MONTH_FIRST_RE.match(text):
        return _build(int(match[3]), month_number(match[1]), int(match[2]))
    if match := _DAY_FIRST_RE.match(text):
        return _build(int(match[3]), month_number(match[2]), int(match[1]))
    return None


def parse_date(cell: Cell, date_format: str | None = None) -> date | None:
    """Parse a date cell; None when missing.

    `date_format` is a strptime pattern such as `%d/%m/%Y` for notations that the
    built-in ones would misread. Without it, slashes mean month/day/year.
    """
    if is_missing(cell):
        return None
    if isinstance(cell, date):
        return cell
    if not isinstance(cell, str):
        raise CellError("is a number, expected a date")

    text = cell.strip()
    if date_format is not None:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError as error:
            raise CellError(
                f"does not match the date format {date_format!r}"
            ) from error

    parsed = _parse_known(text)
    if parsed is None:
        raise CellError(
            f"is not a date in a known notation ({DATE_FORMATS_HELP}); "
            "pass --date-format, for example --date-format %d/%m/%Y"
        )
    return parsed


def date_from_parts(year: int, month: Cell, day: Cell) -> date | None:
    """Build a date from separate month (name or number) and day cells."""
    if is_missing(month) or is_missing(day):
        return None
    day_text = str(day).strip()
    if not day_text.isdigit():
        raise CellError("is not a day of the month")
    return _build(year, month_number(str(month)), int(day_text))

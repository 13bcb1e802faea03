"""Numbers and money amounts in English (1,234.56) or German (1.234,56) notation.

A file uses one convention. `NumberFormatDetector` looks at every numeric cell of the
file first and decides which one, because a single cell such as `12.345` can be read
both ways. Amounts become `Decimal`, never float.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from creatives.imports.errors import CellError, ImportFileError, RowProblem

Cell = str | Decimal | date
"""A table cell: text from CSV, or a typed value from an XLSX sheet."""

MISSING_TOKENS = frozenset(
    {"", "-", "--", "\u2013", "\u2014", "na", "n/a", "#n/a", "null", "none"}
)

CURRENCY_SYMBOLS = {
    "€": "EUR",
    "$": "USD",
    "US$": "USD",
    "£": "GBP",
    "¥": "JPY",
    "₱": "PHP",
    "₽": "RUB",
    "₹": "INR",
    "zł": "PLN",
    "Kč": "CZK",
}

_NUMBER_RE = re.compile(
    r"""^
    (?P<sign>[-+\u2212]?)\s*
    (?P<prefix>US\$|[€$£¥₱₽₹]|[A-Z]{3}(?=\s|\d))?\s*
    (?P<sign2>[-+\u2212]?)
    (?P<body>\d(?:[\d.,'\u00a0\u202f ]*\d)?)
    (?P<exponent>[eE][-+]?\d+)?
    \s*(?P<suffix>[€$£¥₱₽₹]|zł|Kč|[A-Z]{3})?
    $""",
    re.VERBOSE,
)
_GROUP_SPACES_RE = re.compile(r"(?<=\d)['\u00a0\u202f ](?=\d{3}(?:\D|$))")
_EN_BODY_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DE_BODY_RE = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_AMBIGUOUS_RE = re.compile(r"^[1-9]\d{0,2}[.,]\d{3}$")
_PLAIN_RE = re.compile(r"\d+(?:\.\d+)?")
_MISSING_MAX_LENGTH = 8


class NumberLocale(StrEnum):
    """Decimal and thousands separators of a file."""

    EN = "en"
    DE = "de"


class Evidence(StrEnum):
    EN = "en"
    DE = "de"
    AMBIGUOUS = "ambiguous"
    NEUTRAL = "neutral"


@dataclass(frozen=True, slots=True)
class NumberParts:
    negative: bool
    body: str
    exponent: str
    currency: str | None


def is_missing(cell: Cell | None) -> bool:
    """Return whether a cell means "no value" (empty, `-`, `NA`, ...), not zero."""
    if cell is None:
        return True
    if not isinstance(cell, str):
        return False
    # The tokens are at most 4 characters long; longer cells skip the normalisation.
    return (
        len(cell) <= _MISSING_MAX_LENGTH and cell.strip().casefold() in MISSING_TOKENS
    )


def split_number(text: str) -> NumberParts | None:
    """Split a numeric cell into sign, digits, exponent and currency, or return None."""
    if _PLAIN_RE.fullmatch(text):
        return NumberParts(False, text, "", None)
    match = _NUMBER_RE.match(text.strip())
    if match is None:
        return None

    prefix, suffix = match["prefix"], match["suffix"]
    if prefix and suffix:
        return None
    symbol = prefix or suffix
    currency = CURRENCY_SYMBOLS.get(symbol, symbol) if symbol else None

    signs = (match["sign"] + match["sign2"]).replace("\u2212", "-")
    if len(signs) > 1:
        return None
    body = _GROUP_SPACES_RE.sub("", match["body"])
    return NumberParts(signs == "-", body, match["exponent"] or "", currency)


def classify_body(body: str) -> Evidence | None:
    """Tell which convention a digit string implies, or None when it fits neither."""
    if _AMBIGUOUS_RE.match(body):
        return Evidence.AMBIGUOUS
    if "." not in body and "," not in body:
        return Evidence.NEUTRAL if body.isdigit() else None

    last_dot, last_comma = body.rfind("."), body.rfind(",")
    if last_dot > last_comma and body.count(".") == 1:
        candidate = Evidence.EN
    elif last_comma > last_dot and body.count(",") == 1:
        candidate = Evidence.DE
    else:
        # Only repeated separators of one kind: they group thousands.
        candidate = Evidence.DE if "." in body else Evidence.EN

    pattern = _EN_BODY_RE if candidate is Evidence.EN else _DE_BODY_RE
    return candidate if pattern.match(body) else None


def _to_decimal(parts: NumberParts, locale: NumberLocale | None) -> Decimal:
    body = parts.body
    if "." in body or "," in body:
        if locale is None:
            raise CellError(
                "cannot tell decimal from thousands separator; pass --locale"
            )
        pattern = _EN_BODY_RE if locale is NumberLocale.EN else _DE_BODY_RE
        if not pattern.match(body):
            raise CellError(f"is not a number in {locale.value} notation")
        group, decimal = (",", ".") if locale is NumberLocale.EN else (".", ",")
        body = body.replace(group, "").replace(decimal, ".")

    try:
        value = Decimal(body + parts.exponent)
    except InvalidOperation as error:
        raise CellError("is not a number") from error
    return -value if parts.negative else value


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str | None


def parse_money(cell: Cell, locale: NumberLocale | None) -> Money | None:
    """Parse an amount such as `1.355,90 €` or `$1,200.00`; None when missing."""
    if is_missing(cell):
        return None
    if isinstance(cell, Decimal):
        return Money(cell, None)
    if isinstance(cell, date):
        raise CellError("is a date, expected a number")

    parts = split_number(cell)
    if parts is None:
        raise CellError("is not a number")
    return Money(_to_decimal(parts, locale), parts.currency)


def parse_decimal(cell: Cell, locale: NumberLocale | None) -> Decimal | None:
    """Parse a plain number (no currency sign); None when missing."""
    money = parse_money(cell, locale)
    if money is None:
        return None
    if money.currency is not None:
        raise CellError("has a currency sign, expected a plain number")
    return money.amount


def parse_count(cell: Cell, locale: NumberLocale | None) -> int | None:
    """Parse a whole, non-negative count such as impressions; None when missing."""
    value = parse_decimal(cell, locale)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise CellError("is not a whole number")
    if value < 0:
        raise CellError("is negative")
    return int(value)


class NumberFormatDetector:
    """Collect evidence from numeric cells and decide the file's number convention."""

    def __init__(self) -> None:
        self._examples: dict[Evidence, RowProblem] = {}

    def observe(self, cell: Cell, line: int, column: str) -> None:
        if not isinstance(cell, str) or is_missing(cell):
            return
        parts = split_number(cell)
        if parts is None:
            return
        evidence = classify_body(parts.body)
        if evidence is None or evidence in self._examples:
            return
        problem = RowProblem(line=line, column=column, value=cell, message="")
        self._examples[evidence] = problem

    def decide(self, file_name: str, forced: NumberLocale | None) -> NumberLocale:
        """Return the convention, or raise when the file is ambiguous or mixed."""
        if forced is not None:
            return forced

        english = self._examples.get(Evidence.EN)
        german = self._examples.get(Evidence.DE)
        if english and german:
            raise self._mixed_error(file_name, english, german)
        if english:
            return NumberLocale.EN
        if german:
            return NumberLocale.DE

        ambiguous = self._examples.get(Evidence.AMBIGUOUS)
        if ambiguous:
            raise self._ambiguous_error(file_name, ambiguous)
        return NumberLocale.EN

    @staticmethod
    def _mixed_error(
        file_name: str, english: RowProblem, german: RowProblem
    ) -> ImportFileError:
        message = (
            f"numbers use both English notation ({english.value!r}, line "
            f"{english.line}) and German notation ({german.value!r}, line "
            f"{german.line}); fix the file or pass --locale en or --locale de"
        )
        problem = RowProblem(german.line, german.column, german.value, message)
        return ImportFileError(file_name, message, [problem])

    @staticmethod
    def _ambiguous_error(file_name: str, example: RowProblem) -> ImportFileError:
        message = (
            f"cannot tell whether {example.value!r} means a decimal fraction or a "
            "thousands group, and no other number in the file decides it; pass "
            "--locale en (1,234.56) or --locale de (1.234,56)"
        )
        problem = RowProblem(example.line, example.column, example.value, message)
        return ImportFileError(file_name, message, [problem])

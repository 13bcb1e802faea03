from decimal import Decimal

import pytest

from creatives.imports.errors import CellError, ImportFileError
from creatives.imports.parsing.numbers import (
    NumberFormatDetector,
    NumberLocale,
    is_missing,
    parse_count,
    parse_decimal,
    parse_money,
)

EN = NumberLocale.EN
DE = NumberLocale.DE


@pytest.mark.parametrize(
    ("text", "locale", "amount", "currency"),
    [
        ("1.355,90 €", DE, Decimal("1355.90"), "EUR"),
        ("$1,200.00", EN, Decimal("1200.00"), "USD"),
        ("12.345", DE, Decimal("12345"), None),
        ("12.345", EN, Decimal("12.345"), None),
        ("33.59 RUB", EN, Decimal("33.59"), "RUB"),
        ("EUR 1.234.567,8", DE, Decimal("1234567.8"), "EUR"),
        ("-4,5", DE, Decimal("-4.5"), None),
        ("1 234,56", DE, Decimal("1234.56"), None),
        ("2e3", EN, Decimal("2000"), None),
        ("₱10,221.33", EN, Decimal("10221.33"), "PHP"),
    ],
)
def test_parse_money_notations(
    text: str, locale: NumberLocale, amount: Decimal, currency: str | None
) -> None:
    money = parse_money(text, locale)

    assert money is not None
    assert money.amount == amount
    assert isinstance(money.amount, Decimal)
    assert money.currency == currency


@pytest.mark.parametrize("text", ["", "-", "--", "NA", "#N/A", "  "])
def test_missing_cells_are_none(text: str) -> None:
    assert is_missing(text)
    assert parse_money(text, EN) is None
    assert parse_count(text, EN) is None


def test_zero_is_not_missing() -> None:
    assert parse_count("0", EN) == 0
    assert parse_decimal("0.00", EN) == Decimal("0.00")


@pytest.mark.parametrize("text", ["abc", "1,2,3.4.5", "12 apples", "$5€", "1.5.2024"])
def test_parse_money_rejects_text(text: str) -> None:
    with pytest.raises(CellError):
        parse_money(text, EN)


def test_count_rejects_fraction() -> None:
    with pytest.raises(CellError, match="whole number"):
        parse_count("198.7100005", EN)


def test_plain_decimal_rejects_currency_sign() -> None:
    with pytest.raises(CellError, match="currency"):
        parse_decimal("$5", EN)


def test_wrong_locale_grouping_is_rejected() -> None:
    with pytest.raises(CellError, match="de notation"):
        parse_money("1,200.00", DE)


def _decide(cells: list[str], forced: NumberLocale | None = None) -> NumberLocale:
    detector = NumberFormatDetector()
    for line, cell in enumerate(cells, start=2):
        detector.observe(cell, line, "cost")
    return detector.decide("file.csv", forced)


def test_detector_finds_german() -> None:
    assert _decide(["12.345", "1.355,90 €", "7"]) is DE


def test_detector_finds_english() -> None:
    assert _decide(["12.345", "$1,200.00", "0.5"]) is EN


def test_detector_ambiguous_asks_for_locale() -> None:
    with pytest.raises(ImportFileError, match="--locale") as caught:
        _decide(["12.345", "1.500", "3"])

    problem = caught.value.first
    assert problem is not None
    assert problem.line == 2
    assert problem.column == "cost"
    assert problem.value == "12.345"


def test_detector_mixed_notation_fails() -> None:
    with pytest.raises(ImportFileError, match="both English notation"):
        _decide(["1,5", "2.75"])


def test_detector_forced_locale_wins() -> None:
    assert _decide(["12.345"], forced=DE) is DE


def test_detector_plain_integers_default() -> None:
    assert _decide(["12", "7", "-"]) is EN

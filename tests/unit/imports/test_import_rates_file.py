from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from creatives.imports.errors import ImportFileError
from creatives.imports.parsing.numbers import NumberLocale
from creatives.imports.rates import RatesFile

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"


def test_wide_pair_column_is_quote_per_base() -> None:
    rates = list(RatesFile(FIXTURES / "rates_wide.csv", "rates_wide.csv").rates())

    assert [(r.day, r.base, r.quote, r.rate) for r in rates] == [
        (date(2015, 1, 2), "USD", "RUB", Decimal("58.787")),
        (date(2015, 1, 5), "USD", "RUB", Decimal("60.1")),
    ]


def test_market_notation_swaps_pair() -> None:
    rates_file = RatesFile(
        FIXTURES / "rates_wide.csv", "rates_wide.csv", market_notation=True
    )
    first = next(rates_file.rates())

    assert (first.base, first.quote) == ("RUB", "USD")


def test_long_layout_with_german_numbers() -> None:
    rates = list(RatesFile(FIXTURES / "rates_long.csv", "rates_long.csv").rates())

    assert rates[0].base == "EUR"
    assert rates[0].quote == "USD"
    assert rates[0].rate == Decimal("1.0712")
    assert rates[1].day == date(2024, 5, 2)


def test_ambiguous_rates_need_locale(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("date,USD/EUR\n2024-05-01,1.071\n")

    with pytest.raises(ImportFileError, match="--locale"):
        RatesFile(path, "rates.csv")

    rates = list(RatesFile(path, "rates.csv", locale=NumberLocale.EN).rates())
    assert rates[0].rate == Decimal("1.071")


def test_zero_rate_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("date,USD/EUR\n2024-05-01,0.0\n")

    with pytest.raises(ImportFileError, match="greater than zero") as caught:
        list(RatesFile(path, "rates.csv").rates())

    problem = caught.value.first
    assert problem is not None
    assert problem.line == 2
    assert problem.column == "USD/EUR"

from datetime import date

import pytest

from creatives.imports.errors import CellError
from creatives.imports.parsing.dates import month_number, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01", date(2024, 5, 1)),
        ("2015/01/02", date(2015, 1, 2)),
        ("5/1/2024", date(2024, 5, 1)),
        ("12/31/2024", date(2024, 12, 31)),
        ("May 1, 2024", date(2024, 5, 1)),
        ("Sept 30, 2025", date(2025, 9, 30)),
        ("1 May 2024", date(2024, 5, 1)),
        ("31.12.2024", date(2024, 12, 31)),
        ("2025-08-18T19:17:25+0800", date(2025, 8, 18)),
    ],
)
def test_parse_date_notations(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_parse_date_missing_is_none() -> None:
    assert parse_date("-") is None
    assert parse_date("") is None


def test_parse_date_with_format() -> None:
    assert parse_date("01/05/2024", "%d/%m/%Y") == date(2024, 5, 1)


@pytest.mark.parametrize("text", ["13/1/2024", "2024-02-30", "tomorrow", "1/5/24"])
def test_parse_date_rejects_invalid(text: str) -> None:
    with pytest.raises(CellError):
        parse_date(text)


def test_month_number_names() -> None:
    assert month_number("April") == 4
    assert month_number("jun") == 6
    assert month_number("11") == 11
    with pytest.raises(CellError):
        month_number("Smarch")

from datetime import date

import pytest

from creatives.creatives.service import parse_sort, validate_page, validate_range
from creatives.errors import ValidationFailedError


def test_range_inclusive_single_day_accepted() -> None:
    validate_range(date(2024, 5, 1), date(2024, 5, 1))


def test_range_start_after_end_rejected() -> None:
    with pytest.raises(
        ValidationFailedError, match="2024-05-02 is after end_date 2024-05-01"
    ):
        validate_range(date(2024, 5, 2), date(2024, 5, 1))


def test_range_over_three_years_rejected() -> None:
    validate_range(date(2021, 1, 1), date(2023, 12, 31))

    with pytest.raises(ValidationFailedError, match="three years"):
        validate_range(date(2020, 1, 1), date(2023, 12, 31))


def test_sort_parsing() -> None:
    assert parse_sort("-spend") == ("spend", True)
    assert parse_sort("roas") == ("roas", False)
    with pytest.raises(ValidationFailedError, match="Unknown sort field 'password'"):
        parse_sort("password")


def test_page_size_limits() -> None:
    validate_page(1, 1000)
    with pytest.raises(ValidationFailedError, match="page_size 1001"):
        validate_page(1, 1001)
    with pytest.raises(ValidationFailedError, match="page 0"):
        validate_page(0, 10)

from datetime import date

import pytest

from creatives.creatives.service import (
    add_years,
    parse_sort,
    validate_page,
    validate_range,
)
from creatives.errors import ValidationFailedError


def test_range_inclusive_single_day_accepted() -> None:
    validate_range(date(2024, 5, 1), date(2024, 5, 1))


def test_range_start_after_end_rejected() -> None:
    with pytest.raises(
        ValidationFailedError, match="2024-05-02 is after end_date 2024-05-01"
    ):
        validate_range(date(2024, 5, 2), date(2024, 5, 1))


def test_range_of_three_calendar_years_accepted() -> None:
    validate_range(date(2021, 6, 30), date(2024, 6, 30))
    validate_range(date(2024, 2, 29), date(2027, 2, 28))


def test_range_over_three_years_rejected() -> None:
    with pytest.raises(ValidationFailedError) as caught:
        validate_range(date(2021, 6, 29), date(2024, 6, 30))

    message = caught.value.message
    assert "2021-06-29" in message
    assert "2024-06-30" in message
    assert "longer than 3 years" in message
    assert "at most 2024-06-29" in message
    assert caught.value.fields is not None
    assert caught.value.fields[0].field == "end_date"


def test_range_from_leap_day_ends_28_february() -> None:
    with pytest.raises(ValidationFailedError, match="at most 2027-02-28"):
        validate_range(date(2024, 2, 29), date(2027, 3, 1))


def test_add_years_calendar_rule() -> None:
    assert add_years(date(2021, 6, 30), 3) == date(2024, 6, 30)
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2023, 12, 31), 3) == date(2026, 12, 31)


def test_sort_parsing() -> None:
    assert parse_sort("-spend") == ("spend", True)
    assert parse_sort("roas") == ("roas", False)


@pytest.mark.parametrize(
    "sort", ["password", "--spend", "+spend", "-+spend", "spend-", "-", "", " spend"]
)
def test_sort_invalid_rejected(sort: str) -> None:
    with pytest.raises(ValidationFailedError) as caught:
        parse_sort(sort)

    message = caught.value.message
    assert f"Invalid sort {sort!r}" in message
    assert "spend, clicks" in message
    assert caught.value.fields is not None
    assert caught.value.fields[0].field == "sort"


def test_page_size_limits() -> None:
    validate_page(1, 1000)
    with pytest.raises(ValidationFailedError, match="page_size 1001"):
        validate_page(1, 1001)
    with pytest.raises(ValidationFailedError, match="page 0"):
        validate_page(0, 10)

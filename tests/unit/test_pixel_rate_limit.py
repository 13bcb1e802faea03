"""The collector's in-process rate limiter and its query parser."""

from urllib.parse import parse_qsl

import pytest

from creatives.pixel.rate_limit import WindowLimiter
from creatives.pixel.validation import parse_query


def test_limiter_counts_per_key() -> None:
    limiter = WindowLimiter("2/second")

    first_ip = [limiter.hit("a", now=100.0) for _ in range(3)]
    other_ip = limiter.hit("b", now=100.1)

    assert first_ip == [True, True, False]
    assert other_ip is True


def test_limiter_window_starts_at_first_hit() -> None:
    limiter = WindowLimiter("2/second")
    limiter.hit("a", now=100.9)
    limiter.hit("a", now=101.1)

    # 101.5 is in a new second, but still inside the window that began at 100.9.
    assert limiter.hit("a", now=101.5) is False
    assert limiter.hit("a", now=101.95) is True


def test_limiter_forgets_expired_keys() -> None:
    limiter = WindowLimiter("5/minute")
    for number in range(1000):
        limiter.hit(f"10.0.{number // 256}.{number % 256}", now=0.0)

    limiter.hit("late", now=61.0)

    assert limiter.hit("10.0.0.0", now=61.0) is True
    assert len(limiter._windows) == 2


@pytest.mark.parametrize(
    "query",
    [
        "site_key=k&event_name=page_view",
        "url=https%3A%2F%2Fshop.example%2F%3Futm_source%3DAndroid%2520App",
        "a=1&a=2&&b=&c",
        "name+with+plus=value+with+plus&x=%E2%82%AC&bad=%ZZ&broken=%E2",
        "=empty_name&k==v&semi=a;b",
        "",
    ],
)
@pytest.mark.parametrize("keep_blank_values", [True, False])
def test_parse_query_matches_parse_qsl(query: str, keep_blank_values: bool) -> None:
    expected = parse_qsl(query, keep_blank_values=keep_blank_values)

    assert parse_query(query, keep_blank_values=keep_blank_values) == expected

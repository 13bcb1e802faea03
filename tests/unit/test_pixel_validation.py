"""Validation of single events: money, currency, names, URLs, UTM decoding, clocks."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs

import pytest

from creatives.pixel.validation import (
    EventRejected,
    RequestContext,
    SiteConfig,
    parse_client_time,
    parse_currency,
    parse_value,
    url_parameters,
    validate_event,
)

SITE = SiteConfig(customer_id="23", currency="EUR", ad_id_param="ad_id")
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
CONTEXT = RequestContext(received_at=NOW, source="test")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.50", Decimal("12.50")),
        (0, Decimal(0)),
        (Decimal("6795"), Decimal("6795")),
        ("  7 ", Decimal("7")),
        (1.1, Decimal("1.1")),
        (None, None),
        ("", None),
    ],
)
def test_value_accepts_plain_decimals(raw: object, expected: Decimal | None) -> None:
    assert parse_value(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "6,795",
        "6.795,00",
        "-1",
        -1,
        Decimal("-0.01"),
        "NaN",
        Decimal("NaN"),
        float("nan"),
        float("inf"),
        Decimal("Infinity"),
        "1e3",
        "12.5 EUR",
        True,
        [],
        "1.1234567",
        Decimal("1e20"),
    ],
)
def test_value_rejects_everything_else(raw: object) -> None:
    with pytest.raises(EventRejected) as caught:
        parse_value(raw)
    assert caught.value.reason == "invalid_value"


def test_comma_value_is_never_stored() -> None:
    with pytest.raises(EventRejected) as caught:
        validate_event(
            {"event_name": "order_completed", "value": "6,795"}, SITE, CONTEXT
        )
    assert "6,795" in caught.value.message


def test_currency_is_upper_cased() -> None:
    assert parse_currency("usd") == "USD"
    assert parse_currency(" eur ") == "EUR"


@pytest.mark.parametrize("raw", ["US$", "US", "USDD", "ABC", "€", 840])
def test_currency_rejects_non_iso_codes(raw: object) -> None:
    with pytest.raises(EventRejected) as caught:
        parse_currency(raw)
    assert caught.value.reason == "invalid_currency"


def test_value_without_currency_uses_customer_currency() -> None:
    row = validate_event({"event_name": "order_completed", "value": "5"}, SITE, CONTEXT)
    assert row.currency == "EUR"


@pytest.mark.parametrize("name", ["Page_View", "1st", "", "page-view", "a" * 65, None])
def test_event_name_pattern_rejects(name: object) -> None:
    with pytest.raises(EventRejected) as caught:
        validate_event({"event_name": name}, SITE, CONTEXT)
    assert caught.value.reason == "invalid_event_name"


def test_event_name_pattern_accepts_64_chars() -> None:
    row = validate_event({"event_name": "a" + "b_1" * 21}, SITE, CONTEXT)
    assert len(row.event_name) == 64


def test_long_referrer_is_stored_whole() -> None:
    referrer = "https://ref.example/?q=" + "x" * (5000 - 23)
    row = validate_event(
        {"event_name": "page_view", "referrer": referrer}, SITE, CONTEXT
    )
    assert row.referrer == referrer
    assert len(referrer) == 5000


def test_url_over_8_kb_is_rejected() -> None:
    url = "https://shop.example/?q=" + "x" * 8200
    with pytest.raises(EventRejected) as caught:
        validate_event({"event_name": "page_view", "url": url}, SITE, CONTEXT)
    assert caught.value.reason == "invalid_url"


def test_utm_decoded_exactly_once_from_gif_query() -> None:
    # The GIF's query string as the browser sends it: the page URL is percent-encoded once
    # more, so the page's own "%20" arrives as "%2520".
    gif_query = "url=https%3A%2F%2Fshop.example%2F%3Futm_source%3DAndroid%2520App"
    page_url = parse_qs(gif_query)["url"][0]
    assert page_url == "https://shop.example/?utm_source=Android%20App"
    row = validate_event({"event_name": "page_view", "url": page_url}, SITE, CONTEXT)
    assert row.utm_source == "Android App"


def test_utm_literal_percent_is_kept() -> None:
    # A page whose utm value really contains "%20" must keep it: decoding stops after once.
    params = url_parameters("https://shop.example/?utm_source=Android%2520App")
    assert params["utm_source"] == "Android%20App"


def test_ad_id_param_is_configurable() -> None:
    site = SiteConfig(customer_id="23", currency="EUR", ad_id_param="adid")
    row = validate_event(
        {"event_name": "page_view", "url": "https://s.example/?adid=42&ad_id=9"},
        site,
        CONTEXT,
    )
    assert row.ad_id == "42"


def test_explicit_fields_win_over_url() -> None:
    row = validate_event(
        {
            "event_name": "order_completed",
            "url": "https://s.example/thanks?utm_source=url",
            "utm_source": "landing",
            "gclid": "G1",
        },
        SITE,
        CONTEXT,
    )
    assert row.utm_source == "landing"
    assert row.gclid == "G1"


def test_server_time_is_event_time() -> None:
    row = validate_event(
        {"event_name": "page_view", "client_time": "2025-03-01T11:59:00Z"},
        SITE,
        CONTEXT,
    )
    assert row.event_time == NOW
    assert row.client_time == datetime(2025, 3, 1, 11, 59, tzinfo=UTC)


def test_client_time_is_clamped() -> None:
    past = parse_client_time("2001-01-01T00:00:00Z", NOW)
    future = parse_client_time(
        str(int((NOW + timedelta(days=2)).timestamp() * 1000)), NOW
    )
    assert past == NOW - timedelta(days=7)
    assert future == NOW + timedelta(minutes=10)


def test_client_time_without_zone_rejected() -> None:
    with pytest.raises(EventRejected):
        parse_client_time("2025-03-01T12:00:00", NOW)

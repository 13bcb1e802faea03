from datetime import date
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories
from tests.api.conftest import login

METRICS = "/api/customer/23/creatives/order_completed/metrics"
RANGE = {"start_date": "2024-05-01", "end_date": "2024-05-31"}


async def _shop(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23", currency="EUR")
        await factories.customer(conn, "41", currency="USD")
        await factories.user(conn, "ana@example.com", ["23"])
        await factories.user(conn, "bob@example.com", ["41"])
        await factories.facts(
            conn,
            [
                factories.fact(
                    "23",
                    "A",
                    date(2024, 5, 1),
                    spend=Decimal("870.40"),
                    clicks=30,
                    impressions=900,
                    sessions=25,
                    number_of_events_attr_window_7=2,
                    event_value_attr_window_7=Decimal("2828.80"),
                    event_value=Decimal("3000.00"),
                ),
                factories.fact(
                    "23",
                    "B",
                    date(2024, 5, 2),
                    spend=Decimal("9.80"),
                    clicks=3,
                    impressions=100,
                ),
                factories.fact(
                    "23",
                    "C",
                    date(2024, 5, 3),
                    spend=Decimal("1200.00"),
                    clicks=50,
                    impressions=4000,
                ),
                factories.fact("41", "Z", date(2024, 5, 3), spend=Decimal("5.00")),
            ],
        )
        await factories.creative_rows(conn, "23", "A", "['Copy A']", [date(2024, 5, 1)])
        await factories.regroup(conn, "23")
        await factories.regroup(conn, "41")


async def _creative_of_ad_a(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    metrics = await client.get(METRICS, params=RANGE, headers=headers)
    return str(
        next(row["id"] for row in metrics.json()["rows"] if row["ad_ids"] == ["A"])
    )


async def test_metrics_rows_are_json_numbers(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")

    response = await client.get(METRICS, params=RANGE, headers=headers)

    assert response.status_code == 200
    body = response.json()
    assert body["currency"] == "EUR"
    assert body["row_count"] == 3
    first = body["rows"][0]
    assert [row["spend"] for row in body["rows"]] == [1200.0, 870.4, 9.8]
    assert isinstance(first["spend"], float)
    row_a = next(row for row in body["rows"] if row["ad_ids"] == ["A"])
    assert row_a["ad_copy"] == "Copy A"
    assert row_a["roas"] == 3.25
    assert row_a["ctr"] == pytest.approx(0.033333)
    assert body["totals"]["spend"] == 2080.2
    assert body["columns"][1] == {
        "field": "spend",
        "headerName": "Spend",
        "type": "number",
        "unit": "currency",
        "currency": "EUR",
        "description": None,
    }


async def test_metrics_session_attribution_uses_event_value(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")

    response = await client.get(
        METRICS, params={**RANGE, "attribution": "session"}, headers=headers
    )

    assert response.json()["totals"]["revenue"] == 3000.0
    assert response.json()["attribution_label"] == "Same session (not attributed)"


async def test_metrics_sort_ascending_numeric(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")

    response = await client.get(
        METRICS, params={**RANGE, "sort": "spend"}, headers=headers
    )

    assert [row["spend"] for row in response.json()["rows"]] == [9.8, 870.4, 1200.0]


async def test_metrics_search_and_pages(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")

    searched = await client.get(
        METRICS, params={**RANGE, "search": "copy a"}, headers=headers
    )
    paged = await client.get(
        METRICS, params={**RANGE, "page": 2, "page_size": 2}, headers=headers
    )

    assert [row["ad_ids"] for row in searched.json()["rows"]] == [["A"]]
    assert searched.json()["totals"]["spend"] == 870.4
    assert paged.json()["row_count"] == 3
    assert [row["spend"] for row in paged.json()["rows"]] == [9.8]


async def test_other_tenant_customer_404(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "bob@example.com")

    metrics = await client.get(METRICS, params=RANGE, headers=headers)
    options = await client.get(
        "/api/customer/23/creatives/filter-options", headers=headers
    )

    assert metrics.status_code == 404
    assert options.status_code == 404
    assert metrics.json() == {
        "error": {"code": "not_found", "message": "Customer '23' not found."}
    }


async def test_metrics_without_login_401(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)

    response = await client.get(METRICS, params=RANGE)

    assert response.status_code == 401


async def test_metrics_timeout_503(
    client: httpx.AsyncClient, db: AsyncEngine, app_under_test: FastAPI
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")
    app_under_test.state.settings.dashboard_statement_timeout_seconds = 0.2

    # The lock makes the metrics query wait, and statement_timeout counts lock waits.
    async with db.begin() as conn:
        await conn.execute(
            text("LOCK TABLE creatives.ad_event_cumulative IN ACCESS EXCLUSIVE MODE")
        )
        response = await client.get(METRICS, params=RANGE, headers=headers)

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "query_timeout"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_date": "2024-05-31", "end_date": "2024-05-01"}, "start_date"),
        ({"start_date": "2020-01-01", "end_date": "2024-05-01"}, "end_date"),
        ({"start_date": "2024/05/01", "end_date": "2024-05-31"}, "start_date"),
        ({"start_date": "2024-02-30", "end_date": "2024-05-31"}, "start_date"),
        ({"start_date": "1714521600", "end_date": "2024-05-31"}, "start_date"),
        ({"end_date": "2024-05-31"}, "start_date"),
        ({"start_date": "2021-06-29", "end_date": "2024-06-30"}, "end_date"),
        ({**RANGE, "sort": "-password"}, "sort"),
        ({**RANGE, "sort": "--spend"}, "sort"),
        ({**RANGE, "sort": "+spend"}, "sort"),
        ({**RANGE, "page_size": "1001"}, "page_size"),
        ({**RANGE, "attribution": "14d"}, "attribution"),
    ],
)
async def test_invalid_filters_422(
    client: httpx.AsyncClient, db: AsyncEngine, params: dict[str, str], field: str
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")

    response = await client.get(METRICS, params=params, headers=headers)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"][0]["field"] == field


async def test_range_of_three_calendar_years_200(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")

    response = await client.get(
        METRICS,
        params={"start_date": "2021-06-30", "end_date": "2024-06-30"},
        headers=headers,
    )

    assert response.status_code == 200, response.text


async def test_filter_options_cover_all_events(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    async with db.begin() as conn:
        await factories.facts(
            conn, [factories.fact("23", "A", date(2024, 7, 9), ev="signup")]
        )
    headers = await login(client, "ana@example.com")

    response = await client.get(
        "/api/customer/23/creatives/filter-options", headers=headers
    )

    body = response.json()
    assert body["events"] == ["order_completed", "signup"]
    assert body["date_range"] == {"start_date": "2024-05-01", "end_date": "2024-07-09"}
    assert body["default_event"] == "order_completed"
    assert body["default_date_range"] == {
        "start_date": "2024-06-10",
        "end_date": "2024-07-09",
    }


async def test_daily_series_of_one_creative(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")
    creative_id = await _creative_of_ad_a(client, headers)

    one = await client.get(
        f"/api/customer/23/creatives/{creative_id}/daily",
        params={**RANGE, "event": "order_completed"},
        headers=headers,
    )
    everything = await client.get(
        "/api/customer/23/creatives/daily",
        params={**RANGE, "event": "order_completed"},
        headers=headers,
    )
    unknown = await client.get(
        "/api/customer/23/creatives/c_0000000000000000/daily",
        params={**RANGE, "event": "order_completed"},
        headers=headers,
    )

    one_days = one.json()["days"]
    all_days = everything.json()["days"]
    assert len(one_days) == 31
    assert (one_days[0]["date"], one_days[0]["spend"], one_days[0]["roas"]) == (
        "2024-05-01",
        870.4,
        3.25,
    )
    assert all(day["spend"] == 0.0 and day["roas"] is None for day in one_days[1:])
    assert [day["spend"] for day in all_days[:3]] == [870.4, 9.8, 1200.0]
    assert sum(day["spend"] for day in all_days) == pytest.approx(2080.2)
    assert unknown.status_code == 404


async def test_days_without_rows_sum_to_zero(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")
    creative_id = await _creative_of_ad_a(client, headers)

    response = await client.get(
        f"/api/customer/23/creatives/{creative_id}/daily",
        params={**RANGE, "event": "order_completed"},
        headers=headers,
    )

    days = response.json()["days"]
    assert days[0]["revenue"] == 2828.8
    for day in days[1:]:
        assert day["revenue"] == 0.0, day["date"]
        assert day["conversions"] == 0.0, day["date"]
        assert day["roas"] is None, day["date"]
        assert day["cpa"] is None, day["date"]


async def test_empty_range_totals_zero(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")

    response = await client.get(
        METRICS,
        params={"start_date": "2023-01-01", "end_date": "2023-01-31"},
        headers=headers,
    )

    body = response.json()
    assert body["row_count"] == 0
    assert body["totals"]["spend"] == 0.0
    assert body["totals"]["clicks"] == 0.0
    assert body["totals"]["revenue"] == 0.0
    assert body["totals"]["roas"] is None
    assert body["totals"]["cpa"] is None


async def test_unknown_event_404_lists_known(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")

    response = await client.get(
        "/api/customer/23/creatives/ORDER_COMPLETED/metrics",
        params=RANGE,
        headers=headers,
    )

    assert response.status_code == 404
    assert "Known events: order_completed" in response.json()["error"]["message"]


async def test_search_collapses_whitespace(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")

    response = await client.get(
        METRICS, params={**RANGE, "search": "  copy   A "}, headers=headers
    )

    assert [row["ad_ids"] for row in response.json()["rows"]] == [["A"]]


@pytest.mark.parametrize(
    ("stored", "search"),
    [
        ("['Caf\u00e9 au lait']", "caf\u00e9"),
        ("['Caf\u00e9 au lait']", "cafe\u0301"),
        ("['Cafe\u0301 au lait']", "caf\u00e9"),
        ("['Cafe\u0301 au lait']", "cafe\u0301  AU"),
        ("['First card', 'Caf\u00e9 au lait']", "card cafe\u0301"),
    ],
)
async def test_search_unicode_normalised(
    client: httpx.AsyncClient, db: AsyncEngine, stored: str, search: str
) -> None:
    await _shop(db)
    async with db.begin() as conn:
        await factories.creative_rows(conn, "23", "B", stored, [date(2024, 5, 2)])
        await factories.regroup(conn, "23")
    headers = await login(client, "ana@example.com")

    response = await client.get(
        METRICS, params={**RANGE, "search": search}, headers=headers
    )

    assert response.status_code == 200, response.text
    assert [row["ad_ids"] for row in response.json()["rows"]] == [["B"]]


@pytest.mark.parametrize(
    "path",
    [
        "/api/customer/%00/creatives/filter-options",
        "/api/customer/23/creatives/order%00/metrics?start_date=2024-05-01&end_date=2024-05-02",
        "/api/customer/23/creatives/daily?event=a%00b&start_date=2024-05-01&end_date=2024-05-02",
    ],
)
async def test_nul_character_in_url_422(
    client: httpx.AsyncClient, db: AsyncEngine, path: str
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")

    response = await client.get(path, headers=headers)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


async def test_long_invalid_value_echoed_short(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")

    response = await client.get(
        METRICS, params={**RANGE, "start_date": "x" * 5000}, headers=headers
    )

    assert response.status_code == 422
    message = response.json()["error"]["fields"][0]["message"]
    assert "x" * 81 not in message
    assert message.endswith("… (5,000 characters))")


@pytest.mark.parametrize(
    "path",
    [
        "/api/customer/23/creatives/daily",
        "/api/customer/23/creatives/{creative_id}/daily",
        "/api/customer/23/creatives/{creative_id}/conversions",
    ],
)
async def test_unknown_event_404_on_lists(
    client: httpx.AsyncClient, db: AsyncEngine, path: str
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")
    creative_id = await _creative_of_ad_a(client, headers)
    url = path.format(creative_id=creative_id)

    unknown = await client.get(url, params={**RANGE, "event": "nope"}, headers=headers)
    known = await client.get(
        url, params={**RANGE, "event": "order_completed"}, headers=headers
    )

    assert unknown.status_code == 404
    error = unknown.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"] == (
        "Event 'nope' not found for customer '23'. Known events: order_completed."
    )
    assert known.status_code == 200


@pytest.mark.parametrize(
    ("paging", "status", "field"),
    [
        ({}, 200, None),
        ({"page": "2", "page_size": "1"}, 200, None),
        ({"page": "0"}, 422, "page"),
        ({"page_size": "1001"}, 422, "page_size"),
    ],
)
async def test_conversions_paging_params(
    client: httpx.AsyncClient,
    db: AsyncEngine,
    paging: dict[str, str],
    status: int,
    field: str | None,
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")
    creative_id = await _creative_of_ad_a(client, headers)

    response = await client.get(
        f"/api/customer/23/creatives/{creative_id}/conversions",
        params={**RANGE, "event": "order_completed", **paging},
        headers=headers,
    )

    assert response.status_code == status
    body = response.json()
    if field is None:
        assert body["page"] == int(paging.get("page", "1"))
        assert body["page_size"] == int(paging.get("page_size", "500"))
    else:
        assert body["error"]["fields"][0]["field"] == field

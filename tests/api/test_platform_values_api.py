"""Imported platform conversion values in the metrics API: missing values and Platform ROAS.

Both Meta exports have daily rows of the ads 111 (10 + 20 + 30 EUR spend) and 222
(3 x 5 EUR) from 2024-05-01 to 2024-05-03. In one every conversion value cell is empty
or `-`. In the other, 111 has 12.34 on May 1 and 222 has 0.66 and 7.00 on May 2 and 3.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories
from tests.api.conftest import login

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
UPLOAD = "/api/customer/23/imports"
PLATFORM_METRICS = "/api/customer/23/creatives/platform_conversion/metrics"
PIXEL_METRICS = "/api/customer/23/creatives/order_completed/metrics"
DAILY = "/api/customer/23/creatives/daily"
MAY = {"start_date": "2024-05-01", "end_date": "2024-05-03"}


async def _shop(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23", currency="EUR")
        await factories.user(conn, "admin@example.com", ["23"], role="admin")


async def _import(
    client: httpx.AsyncClient, headers: dict[str, str], name: str
) -> None:
    response = await client.post(
        UPLOAD,
        headers=headers,
        files={"file": (name, (FIXTURES / name).read_bytes(), "text/csv")},
        data={"platform": "meta"},
    )
    assert response.status_code == 200, response.text


async def _get(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, **params: str
) -> Any:
    response = await client.get(path, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _by_ad(body: Any) -> dict[str, Any]:
    return {row["ad_ids"][0]: row for row in body["rows"]}


async def test_empty_values_are_null(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "admin@example.com")
    await _import(client, headers, "meta_daily_no_values.csv")

    body = await _get(client, headers, PLATFORM_METRICS, **MAY)
    daily = await _get(client, headers, DAILY, event="platform_conversion", **MAY)

    rows = _by_ad(body)
    assert rows["111"]["spend"] == 60.0
    assert rows["111"]["conversions"] == 3.0
    assert rows["111"]["revenue"] is None
    assert rows["111"]["roas"] is None
    assert rows["222"]["revenue"] is None
    assert body["totals"]["spend"] == 75.0
    assert body["totals"]["revenue"] is None
    assert body["totals"]["roas"] is None
    assert [day["spend"] for day in daily["days"]] == [15.0, 25.0, 35.0]
    assert [day["revenue"] for day in daily["days"]] == [None, None, None]
    assert [day["roas"] for day in daily["days"]] == [None, None, None]


async def test_mixed_values_sum_exactly(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "admin@example.com")
    await _import(client, headers, "meta_daily_mixed_values.csv")

    whole = await _get(client, headers, PLATFORM_METRICS, **MAY)
    later = await _get(
        client,
        headers,
        PLATFORM_METRICS,
        start_date="2024-05-02",
        end_date="2024-05-03",
    )
    daily = await _get(client, headers, DAILY, event="platform_conversion", **MAY)

    rows = _by_ad(whole)
    assert rows["111"]["revenue"] == 12.34
    assert rows["111"]["roas"] == 0.2057
    assert rows["222"]["revenue"] == 7.66
    assert whole["totals"]["revenue"] == 20.0
    assert whole["totals"]["roas"] == 0.2667
    # Ad 111 has no value on May 2 and 3, but ad 222 has.
    assert _by_ad(later)["111"]["revenue"] is None
    assert _by_ad(later)["222"]["revenue"] == 7.66
    assert later["totals"]["revenue"] == 7.66
    assert [day["revenue"] for day in daily["days"]] == [12.34, 0.66, 7.0]


async def test_missing_revenue_sorts_last(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "admin@example.com")
    await _import(client, headers, "meta_daily_mixed_values.csv")
    later = {"start_date": "2024-05-02", "end_date": "2024-05-03"}

    descending = await _get(client, headers, PLATFORM_METRICS, sort="-revenue", **later)
    ascending = await _get(client, headers, PLATFORM_METRICS, sort="revenue", **later)

    assert [row["ad_ids"] for row in descending["rows"]] == [["222"], ["111"]]
    assert [row["ad_ids"] for row in ascending["rows"]] == [["222"], ["111"]]


async def _pixel_facts(db: AsyncEngine) -> None:
    """Pixel-attributed orders of ad 111, and of ad 333 which the platform never saw."""
    async with db.begin() as conn:
        await factories.facts(
            conn,
            [
                factories.fact(
                    "23",
                    "111",
                    date(2024, 5, 1),
                    spend=Decimal("60.00"),
                    number_of_events_attr_window_7=2,
                    event_value_attr_window_7=Decimal("120.00"),
                ),
                factories.fact(
                    "23",
                    "333",
                    date(2024, 5, 2),
                    spend=Decimal("8.00"),
                    number_of_events_attr_window_7=1,
                    event_value_attr_window_7=Decimal("4.00"),
                ),
            ],
        )


async def test_platform_roas_beside_pixel_roas(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    await _pixel_facts(db)
    headers = await login(client, "admin@example.com")
    await _import(client, headers, "meta_daily_mixed_values.csv")

    body = await _get(client, headers, PIXEL_METRICS, **MAY)
    sorted_body = await _get(
        client, headers, PIXEL_METRICS, sort="-platform_roas", **MAY
    )

    fields = [column["field"] for column in body["columns"]]
    assert fields.index("platform_roas") == fields.index("roas") + 1
    column = body["columns"][fields.index("platform_roas")]
    assert column["headerName"] == "Platform ROAS"
    assert column["unit"] == "ratio"
    rows = _by_ad(body)
    assert rows["111"]["roas"] == 2.0
    # 12.34 reported by the platform / 60.00 spend.
    assert rows["111"]["platform_roas"] == 0.2057
    assert rows["333"]["roas"] == 0.5
    assert rows["333"]["platform_roas"] is None
    # Over the listed creatives only: ad 222 has no pixel row here.
    assert body["totals"]["platform_roas"] == 0.2057
    assert [row["ad_ids"] for row in sorted_body["rows"]] == [["111"], ["333"]]


async def test_platform_roas_null_without_values(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    await _pixel_facts(db)
    headers = await login(client, "admin@example.com")
    await _import(client, headers, "meta_daily_no_values.csv")

    body = await _get(client, headers, PIXEL_METRICS, **MAY)

    assert "platform_roas" in [column["field"] for column in body["columns"]]
    assert _by_ad(body)["111"]["platform_roas"] is None
    assert body["totals"]["platform_roas"] is None


@pytest.mark.parametrize("imported", [False, True])
async def test_platform_roas_column_only_beside_pixel(
    client: httpx.AsyncClient, db: AsyncEngine, imported: bool
) -> None:
    await _shop(db)
    await _pixel_facts(db)
    headers = await login(client, "admin@example.com")
    if imported:
        await _import(client, headers, "meta_daily_mixed_values.csv")
    path = PLATFORM_METRICS if imported else PIXEL_METRICS

    body = await _get(client, headers, path, **MAY)

    assert "platform_roas" not in [column["field"] for column in body["columns"]]
    assert all(row["platform_roas"] is None for row in body["rows"])
    assert body["totals"]["platform_roas"] is None


async def test_platform_event_labels(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    await _pixel_facts(db)
    headers = await login(client, "admin@example.com")
    await _import(client, headers, "meta_daily_mixed_values.csv")

    platform = await _get(client, headers, PLATFORM_METRICS, **MAY)
    pixel = await _get(client, headers, PIXEL_METRICS, **MAY)

    platform_columns = {column["field"]: column for column in platform["columns"]}
    pixel_columns = {column["field"]: column for column in pixel["columns"]}
    assert platform_columns["revenue"]["headerName"] == "Platform revenue"
    assert "attribution window" not in platform_columns["revenue"]["description"]
    assert platform["attribution_label"] == (
        "Reported by the ad platform, with its own attribution"
    )
    assert pixel_columns["revenue"]["headerName"] == "Revenue"
    assert pixel["attribution_label"] == "7-day attribution window"

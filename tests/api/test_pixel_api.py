"""Collector endpoints over HTTP, against the real test database."""

import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp

from creatives.config import Settings
from creatives.main import create_app
from creatives.pixel.fast_path import CollectorFastPath
from creatives.pixel.signing import sign
from tests import factories

SITE_KEY = "testkey_0123456789"
SECRET = "s" * 64
HEADLESS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/120.0.0.0 Safari/537.36"
)
AHREFS = (
    "Mozilla/5.0 (compatible; AhrefsSiteAudit/6.1; +http://ahrefs.com/robot/site-audit)"
)
BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.3 Mobile/15E148 Safari/604.1"
)


async def add_site(
    engine: AsyncEngine,
    customer: str = "23",
    site_key: str = SITE_KEY,
    origins: list[str] | None = None,
    honor_privacy_signals: bool = False,
) -> None:
    async with engine.begin() as conn:
        await factories.customer(conn, customer, currency="EUR")
        await conn.execute(
            text(
                "INSERT INTO creatives.pixel_sites (customer_id, site_key, secret, "
                "allowed_origins, honor_privacy_signals) VALUES (:c, :k, :s, :o, :p)"
            ),
            {
                "c": customer,
                "k": site_key,
                "s": SECRET,
                "o": origins or [],
                "p": honor_privacy_signals,
            },
        )


async def rows(engine: AsyncEngine, where: str = "true") -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        result = await conn.execute(
            text(
                f"SELECT * FROM creatives.pixel_events WHERE {where} ORDER BY event_time"
            )
        )
        return [dict(row._mapping) for row in result]


def event(**fields: Any) -> dict[str, Any]:
    return {"site_key": SITE_KEY, "event_name": "page_view", **fields}


# Each collector test runs against the FastAPI routes and against the pure ASGI front that
# `creatives collect` serves, so both must return the same responses.
FRONTS: dict[str, Callable[[FastAPI], ASGIApp]] = {
    "routes": lambda app: app,
    "fast_path": CollectorFastPath,
}


@pytest.fixture(params=sorted(FRONTS))
def front(request: pytest.FixtureRequest) -> Callable[[FastAPI], ASGIApp]:
    return FRONTS[request.param]


@pytest.fixture
async def client(
    db: AsyncEngine, app_under_test: FastAPI, front: Callable[[FastAPI], ASGIApp]
) -> AsyncIterator[httpx.AsyncClient]:
    app = app_under_test
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=front(app))
        # A shopper's browser user agent. Bot tests set their own.
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://testserver",
            headers={"User-Agent": BROWSER},
        ) as client:
            yield client


@pytest.fixture
async def site(db: AsyncEngine) -> AsyncEngine:
    await add_site(db)
    return db


async def test_gif_is_43_bytes_no_store(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    response = await client.get(
        "/p.gif", params={"site_key": SITE_KEY, "event_name": "page_view"}
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/gif"
    assert response.headers["cache-control"] == "no-store"
    assert len(response.content) == 43
    assert response.content.startswith(b"GIF89a\x01\x00\x01\x00")
    assert len(await rows(site)) == 1


async def test_gif_decodes_utm_exactly_once(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    query = (
        f"site_key={SITE_KEY}&event_name=page_view&client_id=c1"
        "&url=https%3A%2F%2Fshop.example%2Fland%3Futm_source%3DAndroid%2520App"
        "%26utm_campaign%3Dspring%26ad_id%3D1203%26gclid%3DG-1"
    )

    response = await client.get(f"/p.gif?{query}")

    assert response.headers["x-creatives-result"] == "stored"
    [row] = await rows(site)
    assert row["utm_source"] == "Android App"
    assert row["utm_campaign"] == "spring"
    assert row["ad_id"] == "1203"
    assert row["gclid"] == "G-1"
    assert (
        row["page_url"]
        == "https://shop.example/land?utm_source=Android%20App&utm_campaign=spring&ad_id=1203&gclid=G-1"
    )


async def test_collect_text_plain_batch(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    body = {
        "site_key": SITE_KEY,
        "events": [
            {"event_name": "page_view", "client_id": "c1", "session_id": "s1"},
            {
                "event_name": "order_completed",
                "value": 12.5,
                "currency": "usd",
                "order_id": "A-1",
                "client_id": "c1",
                "session_id": "s1",
            },
        ],
    }

    response = await client.post(
        "/collect",
        content=json.dumps(body),
        headers={"Content-Type": "text/plain;charset=UTF-8"},
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"stored": 2, "duplicates": 0, "rejected": []}
    order = (await rows(site, "event_name = 'order_completed'"))[0]
    assert order["value"] == Decimal("12.5")
    assert order["currency"] == "USD"
    assert order["session_id"] == "s1"


async def test_bad_values_never_stored(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    bad = [
        event(event_name="order_completed", value="6,795"),
        event(event_name="order_completed", value=-5),
        event(event_name="order_completed", value="Infinity"),
        event(event_name="order_completed", value=1, currency="US$"),
        event(event_name="Order Completed"),
    ]

    response = await client.post("/collect", json=bad)

    reasons = [item["reason"] for item in response.json()["rejected"]]
    assert response.status_code == 200
    assert reasons == [
        "invalid_value",
        "invalid_value",
        "invalid_value",
        "invalid_currency",
        "invalid_event_name",
    ]
    assert await rows(site) == []


async def test_nan_body_is_invalid_json(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    response = await client.post(
        "/collect",
        content=f'{{"site_key": "{SITE_KEY}", "event_name": "x", "value": NaN}}',
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert await rows(site) == []


async def test_same_event_id_stored_once(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    payload = event(event_id=str(uuid.uuid4()))

    first = await client.post("/collect", json=payload)
    second = await client.post("/collect", json=payload)

    assert first.json()["stored"] == 1
    assert second.json() == {"stored": 0, "duplicates": 1, "rejected": []}
    assert len(await rows(site)) == 1


async def test_same_order_id_stored_once(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    purchases = [
        event(event_name="order_completed", value="10", order_id="ORD-9"),
        event(event_name="order_completed", value="99", order_id="ORD-9"),
    ]

    response = await client.post("/collect", json=purchases)
    again = await client.post("/collect", json=purchases[1])

    assert response.json()["stored"] == 1
    assert response.json()["duplicates"] == 1
    assert again.json()["duplicates"] == 1
    [row] = await rows(site)
    assert row["value"] == Decimal("10")


async def test_order_id_dedupes_per_event_name(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    # A refund of an order is a fact of its own; a repeated purchase is not.
    purchase = event(event_name="order_completed", value="10", order_id="ORD-7")
    reload = event(event_name="order_completed", value="10", order_id="ORD-7")
    refund = event(event_name="order_refunded", value="10", order_id="ORD-7")

    first = await client.post("/collect", json=purchase)
    second = await client.post("/collect", json=[reload, refund])

    assert first.json()["stored"] == 1
    assert second.json() == {"stored": 1, "duplicates": 1, "rejected": []}
    stored = await rows(site)
    assert [(row["event_name"], row["order_id"]) for row in stored] == [
        ("order_completed", "ORD-7"),
        ("order_refunded", "ORD-7"),
    ]


async def test_bot_purchase_claims_no_order_id(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    purchase = event(event_name="order_completed", value="250", order_id="ORD-9")

    crawler = await client.post(
        "/collect",
        json={**purchase, "value": "0.01"},
        headers={"User-Agent": HEADLESS},
    )
    shopper = await client.post(
        "/collect", json=purchase, headers={"User-Agent": BROWSER}
    )

    assert crawler.json()["stored"] == 1
    assert shopper.json()["stored"] == 1
    stored = await rows(site)
    assert sorted((row["is_bot"], row["value"]) for row in stored) == [
        (False, Decimal("250")),
        (True, Decimal("0.01")),
    ]


async def test_unknown_key_dropped_and_counted(
    client: httpx.AsyncClient, site: AsyncEngine, app_under_test: FastAPI
) -> None:
    gif = await client.get(
        "/p.gif", params={"site_key": "nope-nope", "event_name": "x"}
    )
    beacon = await client.post(
        "/collect", json={"site_key": "nope-nope", "event_name": "x"}
    )
    await app_under_test.state.collector.flush_drops()
    metrics = (await client.get("/metrics")).text

    assert gif.status_code == 200
    assert gif.headers["x-creatives-result"] == "unknown_site_key"
    assert beacon.json()["rejected"][0]["reason"] == "unknown_site_key"
    assert 'creatives_pixel_events_dropped_total{reason="unknown_site_key"}' in metrics
    async with site.connect() as conn:
        dropped = (
            await conn.execute(
                text(
                    "SELECT events FROM creatives.pixel_drops "
                    "WHERE reason = 'unknown_site_key'"
                )
            )
        ).scalar_one()
    assert dropped == 2
    assert await rows(site) == []


async def test_bots_tagged_and_get_gif(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    for number, agent in enumerate((HEADLESS, AHREFS, BROWSER)):
        response = await client.get(
            "/p.gif",
            params={
                "site_key": SITE_KEY,
                "event_name": "page_view",
                "client_id": f"c{number}",
            },
            headers={"User-Agent": agent},
        )
        assert response.status_code == 200
        assert len(response.content) == 43

    tagged = {row["user_agent"]: row["is_bot"] for row in await rows(site)}
    assert tagged == {HEADLESS: True, AHREFS: True, BROWSER: False}


async def test_no_raw_ip_stored(client: httpx.AsyncClient, site: AsyncEngine) -> None:
    await client.get("/p.gif", params={"site_key": SITE_KEY, "event_name": "page_view"})

    [row] = await rows(site)
    assert len(row["visitor_hash"]) == 32
    assert "127.0.0.1" not in json.dumps(row, default=str)
    async with site.connect() as conn:
        salts = (
            await conn.execute(text("SELECT count(*) FROM creatives.pixel_salts"))
        ).scalar_one()
    assert salts == 1


async def test_privacy_signals_honoured_when_enabled(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await add_site(db, honor_privacy_signals=True)

    dnt = await client.get(
        "/p.gif",
        params={"site_key": SITE_KEY, "event_name": "page_view"},
        headers={"DNT": "1"},
    )
    gpc = await client.post("/collect", json=event(), headers={"Sec-GPC": "1"})
    plain = await client.post("/collect", json=event())

    assert dnt.headers["x-creatives-result"] == "privacy_signal"
    assert gpc.json()["rejected"][0]["reason"] == "privacy_signal"
    assert plain.json()["stored"] == 1
    assert len(await rows(db)) == 1


async def test_privacy_signals_ignored_by_default(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    response = await client.post("/collect", json=event(), headers={"DNT": "1"})

    assert response.json()["stored"] == 1


async def test_origin_outside_list_dropped(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await add_site(db, origins=["https://shop.example"])

    foreign = await client.post(
        "/collect", json=event(), headers={"Origin": "https://evil.example"}
    )
    own = await client.post(
        "/collect", json=event(), headers={"Origin": "https://shop.example"}
    )

    assert foreign.json()["rejected"][0]["reason"] == "origin_not_allowed"
    assert own.json()["stored"] == 1
    assert own.headers["access-control-allow-origin"] == "https://shop.example"


async def test_body_over_64_kb_is_413(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    payload = event(properties={"blob": "x" * 70_000})

    response = await client.post("/collect", content=json.dumps(payload))

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_batch_over_100_is_422(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    response = await client.post("/collect", json=[event() for _ in range(101)])

    assert response.status_code == 422
    assert "101 events" in response.json()["error"]["message"]


async def test_ip_rate_limit_is_429(
    db: AsyncEngine, settings: Settings, front: Callable[[FastAPI], ASGIApp]
) -> None:
    await add_site(db)
    limited = settings.model_copy(update={"pixel_rate_limit_per_ip": "3/minute"})
    app = create_app(limited)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=front(app))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t"
        ) as client:
            statuses = [
                (
                    await client.get(
                        "/p.gif", params={"site_key": SITE_KEY, "event_name": "x"}
                    )
                ).status_code
                for _ in range(5)
            ]
            last = await client.get("/p.gif", params={"site_key": SITE_KEY})

    assert statuses == [200, 200, 200, 429, 429]
    assert last.headers["retry-after"] == "1"


async def test_site_rate_limit_is_429(
    db: AsyncEngine, settings: Settings, front: Callable[[FastAPI], ASGIApp]
) -> None:
    await add_site(db)
    limited = settings.model_copy(update={"pixel_rate_limit_per_site": "2/minute"})
    app = create_app(limited)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=front(app))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t"
        ) as client:
            statuses = [
                (await client.post("/collect", json=event())).status_code
                for _ in range(3)
            ]

    assert statuses == [200, 200, 429]


def signed(
    body: bytes, secret: str = SECRET, at: float | None = None
) -> dict[str, str]:
    timestamp = str(int(at if at is not None else time.time()))
    return {
        "X-Creatives-Timestamp": timestamp,
        "X-Creatives-Signature": sign(secret, timestamp, body),
        "Content-Type": "application/json",
    }


async def test_server_event_signed_is_stored(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    body = json.dumps(
        [
            {
                "event_id": str(uuid.uuid4()),
                "event_name": "order_completed",
                "value": "249.00",
                "currency": "EUR",
                "order_id": "S-1",
                "client_id": "c1",
            }
        ]
    ).encode()

    first = await client.post(
        "/api/customer/23/events", content=body, headers=signed(body)
    )
    replayed = await client.post(
        "/api/customer/23/events", content=body, headers=signed(body)
    )

    assert first.status_code == 200, first.text
    assert first.json()["stored"] == 1
    assert replayed.json()["duplicates"] == 1
    [row] = await rows(site)
    assert row["source"] == "server"
    assert row["value"] == Decimal("249.00")


async def test_server_event_bad_signature_401(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    body = json.dumps({"event_id": str(uuid.uuid4()), "event_name": "x"}).encode()

    wrong = await client.post(
        "/api/customer/23/events", content=body, headers=signed(body, "t" * 64)
    )
    stale = await client.post(
        "/api/customer/23/events",
        content=body,
        headers=signed(body, at=time.time() - 3600),
    )
    tampered = await client.post(
        "/api/customer/23/events", content=body + b" ", headers=signed(body)
    )

    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_signature"
    assert stale.status_code == 401
    assert "300 s" in stale.json()["error"]["message"]
    assert tampered.status_code == 401
    assert await rows(site) == []


async def test_server_event_needs_event_id(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    body = json.dumps({"event_name": "order_completed"}).encode()

    response = await client.post(
        "/api/customer/23/events", content=body, headers=signed(body)
    )

    assert response.status_code == 422
    assert "event_id" in response.json()["error"]["message"]


async def test_server_event_unknown_customer_404(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    body = b"{}"

    response = await client.post(
        "/api/customer/99/events", content=body, headers=signed(body)
    )

    assert response.status_code == 404


async def test_pixel_js_is_small(client: httpx.AsyncClient, site: AsyncEngine) -> None:
    response = await client.get("/pixel.js")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert len(response.content) < 8000
    assert b"sendBeacon" in response.content


async def test_events_land_in_month_partition(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    await client.post("/collect", json=event())

    async with site.connect() as conn:
        partition = (
            await conn.execute(
                text("SELECT tableoid::regclass::text FROM creatives.pixel_events")
            )
        ).scalar_one()
    assert partition.startswith("creatives.pixel_events_20")


async def test_long_referrer_stored_as_text(
    client: httpx.AsyncClient, site: AsyncEngine
) -> None:
    referrer = "https://search.example/?q=" + "r" * (5000 - 26)

    response = await client.get(
        "/p.gif",
        params={"site_key": SITE_KEY, "event_name": "page_view", "referrer": referrer},
    )

    assert response.headers["x-creatives-result"] == "stored"
    [row] = await rows(site)
    assert len(row["referrer"]) == 5000
    assert row["referrer"] == referrer

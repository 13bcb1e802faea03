"""The demo shop in real Chromium against a real `creatives serve`, checked in the database."""

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.test_pixel_api import add_site
from tests.servers import running_server

CHROMIUM = Path("/usr/bin/chromium")
HAVE_CHROMIUM = CHROMIUM.exists()
SITE_KEY = "demo_shop_key_01"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not HAVE_CHROMIUM:
        pytest.skip(
            f"Chromium not found at {CHROMIUM}; install it with apt-get install chromium"
        )
    async with async_playwright() as playwright:
        # Playwright turns the back/forward cache off by default; the pixel's pageshow
        # handler is only reached with it on.
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            ignore_default_args=["--disable-back-forward-cache"],
        )
        yield launched
        await launched.close()


async def events(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        result = await conn.execute(
            text("SELECT * FROM creatives.pixel_events ORDER BY event_time")
        )
        return [dict(row._mapping) for row in result]


async def wait_for(
    engine: AsyncEngine, count: int, name: str | None = None, seconds: float = 10.0
) -> list[dict[str, Any]]:
    """Poll until `count` events (of `name`, if given) are stored; return all events."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        stored = await events(engine)
        matching = [e for e in stored if name is None or e["event_name"] == name]
        if len(matching) >= count or asyncio.get_running_loop().time() > deadline:
            return stored
        await asyncio.sleep(0.1)


async def duplicate_orders(base_url: str) -> float:
    async with httpx.AsyncClient() as client:
        body = (await client.get(f"{base_url}/metrics")).text
    match = re.search(
        r'creatives_pixel_events_dropped_total\{reason="duplicate_order"\} (\S+)', body
    )
    return float(match.group(1)) if match else 0.0


async def wait_for_views(
    engine: AsyncEngine, path: str, count: int, seconds: float = 10.0
) -> int:
    """Poll until `count` page views of `path` are stored; return the number stored."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        views = page_views(await events(engine), path)
        if views >= count or asyncio.get_running_loop().time() > deadline:
            return views
        await asyncio.sleep(0.1)


def page_views(stored: list[dict[str, Any]], path: str) -> int:
    return sum(
        1
        for e in stored
        if e["event_name"] == "page_view" and path in (e["page_url"] or "")
    )


async def walk_to_thank_you(page: Page, base_url: str) -> None:
    landing = (
        f"{base_url}/demo-shop/?utm_source=Android%20App&utm_medium=paid_social"
        "&utm_campaign=spring&fbclid=FB-1&ad_id=1203"
    )
    await page.goto(landing)
    await page.click("#product")
    await page.wait_for_url("**/product.html")
    await page.click("#add-to-cart")
    await page.click("#checkout")
    await page.wait_for_url("**/checkout.html")
    await page.click("#pay-button")
    await page.wait_for_url("**/thank-you.html?*")


async def shopper_agent(browser: Browser) -> str:
    """Return this Chromium's user agent without the headless marker."""
    page = await browser.new_page()
    agent = str(await page.evaluate("navigator.userAgent"))
    await page.close()
    return agent.replace("HeadlessChrome", "Chrome")


async def test_demo_shop_journey_is_stored(
    browser: Browser, database_url: str, db: AsyncEngine, tmp_path: Path
) -> None:
    await add_site(db, customer="shop", site_key=SITE_KEY)
    env = {"PIXEL_DEMO_SITE_KEY": SITE_KEY}

    with running_server(["serve"], database_url, env, tmp_path / "serve.log") as base:
        # A shopper's browser: headless Chromium's own agent is tagged as a bot, and bots
        # claim no order id, so the reload below would not show the order rule at work.
        page = await browser.new_page(user_agent=await shopper_agent(browser))
        await page.add_init_script(
            "window.addEventListener('pageshow', function (e) {"
            " window.restoredFromCache = e.persisted; });"
        )
        await walk_to_thank_you(page, base)
        stored = await wait_for(db, 1, "order_completed")

        await page.reload()
        duplicates = 0.0
        for _ in range(100):
            duplicates = await duplicate_orders(base)
            if duplicates >= 1:
                break
            await asyncio.sleep(0.1)
        reloaded = await events(db)

        views = page_views(reloaded, "/product.html")
        await page.goto(f"{base}/demo-shop/product.html")
        before_back = await wait_for_views(db, "/product.html", views + 1)
        await page.click("#home")
        await page.wait_for_url("**/demo-shop/index.html")
        # A page restored from the cache fires no load event, so wait for the commit only.
        await page.go_back(wait_until="commit")
        await page.wait_for_url("**/product.html", wait_until="commit")
        after_back = await wait_for_views(db, "/product.html", before_back + 1)
        restored = await page.evaluate("window.restoredFromCache")
        await page.close()

    names = [e["event_name"] for e in stored]
    assert names[:3] == ["page_view", "page_view", "add_to_cart"]
    assert names.count("order_completed") == 1

    landing = stored[0]
    assert landing["utm_source"] == "Android App"
    assert landing["utm_medium"] == "paid_social"
    assert landing["utm_campaign"] == "spring"
    assert landing["fbclid"] == "FB-1"
    assert landing["ad_id"] == "1203"
    assert landing["customer_id"] == "shop"

    [order] = [e for e in stored if e["event_name"] == "order_completed"]
    assert str(order["value"]) == "129.00"
    assert order["currency"] == "EUR"
    assert order["order_id"].startswith("ORD-")
    assert order["ad_id"] == "1203"
    assert order["utm_source"] == "Android App"
    assert order["is_bot"] is False
    assert {e["session_id"] for e in stored} == {landing["session_id"]}
    assert {e["client_id"] for e in stored} == {landing["client_id"]}
    assert landing["session_id"] and landing["client_id"]

    assert duplicates == 1
    orders = [e for e in reloaded if e["event_name"] == "order_completed"]
    assert len(orders) == 1
    assert after_back == before_back + 1
    assert restored is True  # Back restored the page from the back/forward cache

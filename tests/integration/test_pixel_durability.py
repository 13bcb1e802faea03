"""Durability: database outages return 503, and a killed server loses no acknowledged event."""

import asyncio
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.config import Settings
from creatives.database import create_engine
from creatives.embedded_postgres import EmbeddedPostgres, start_embedded_postgres
from creatives.main import create_app
from creatives.migrate import upgrade
from tests.api.test_pixel_api import SITE_KEY, add_site
from tests.conftest import TEST_SECRET
from tests.servers import free_port, start_server

EVENTS = 2000
BATCH = 10
SENDERS = 16
DEADLINE_SECONDS = 90.0


def page_view(event_id: str | None = None) -> dict[str, str]:
    return {
        "site_key": SITE_KEY,
        "event_name": "page_view",
        "event_id": event_id or str(uuid.uuid4()),
    }


def restart(embedded: EmbeddedPostgres) -> None:
    """Start a stopped cluster again with the options it last ran with (postmaster.opts)."""
    import pgserver

    pgserver.pg_ctl(
        ["-w", "restart"], pgdata=embedded.pgdata, user=embedded.system_user
    )


@pytest.fixture
async def own_database(tmp_path: Path) -> AsyncIterator[EmbeddedPostgres]:
    """A cluster of this test alone, so it can be stopped and started again."""
    embedded = start_embedded_postgres(tmp_path / "outage", database="outage")
    upgrade(embedded.url("outage"))
    engine = create_engine(embedded.url("outage"), pool_size=1)
    await add_site(engine)
    await engine.dispose()
    yield embedded
    embedded.delete()


async def test_database_down_answers_503(
    own_database: EmbeddedPostgres, tmp_path: Path
) -> None:
    url = own_database.url("outage")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        jwt_secret_key=TEST_SECRET,
        integration_interval_seconds=0,
        frontend_dir=tmp_path / "none",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t"
        ) as client:
            before = await client.post("/collect", json=page_view())
            own_database.stop()
            down = await client.post("/collect", json=page_view())
            gif = await client.get(
                "/p.gif", params={"site_key": SITE_KEY, "event_name": "page_view"}
            )
            restart(own_database)
            await asyncio.sleep(
                1.1
            )  # the writer refuses events for 1 s after a failure
            after = await client.post("/collect", json=page_view())

    assert before.json()["stored"] == 1
    assert down.status_code == 503
    assert down.headers["retry-after"] == "5"
    assert down.json()["error"]["code"] == "service_unavailable"
    assert gif.status_code == 503
    assert after.status_code == 200, after.text
    assert after.json()["stored"] == 1
    engine = create_engine(url, pool_size=1)
    async with engine.connect() as conn:
        stored = (
            await conn.execute(text("SELECT count(*) FROM creatives.pixel_events"))
        ).scalar_one()
    await engine.dispose()
    assert stored == 2


async def test_full_queue_answers_503(
    db: AsyncEngine, tmp_path: Path, database_url: str
) -> None:
    await add_site(db)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        jwt_secret_key=TEST_SECRET,
        integration_interval_seconds=0,
        frontend_dir=tmp_path / "none",
        pixel_queue_max_events=1,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t"
        ) as client:
            response = await client.post("/collect", json=[page_view(), page_view()])

    assert response.status_code == 503
    assert "queue_full" in response.json()["error"]["message"]
    async with db.connect() as conn:
        stored = (
            await conn.execute(text("SELECT count(*) FROM creatives.pixel_events"))
        ).scalar_one()
    assert stored == 0


class Sender:
    """Sends fixed batches until each is acknowledged (2xx), retrying as pixel.js does."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.acknowledged: set[str] = set()
        self.failures = 0
        self.quarter_acknowledged = asyncio.Event()

    async def send_all(self, batches: asyncio.Queue[list[dict[str, str]]]) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=5.0) as client:
            while not batches.empty():
                batch = batches.get_nowait()
                await self._send_until_acknowledged(client, batch)

    async def _send_until_acknowledged(
        self, client: httpx.AsyncClient, batch: list[dict[str, str]]
    ) -> None:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            try:
                response = await client.post("/collect", json=batch)
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code == 200:
                body = response.json()
                assert body["rejected"] == []
                assert body["stored"] + body["duplicates"] == len(batch)
                self.acknowledged.update(event["event_id"] for event in batch)
                if len(self.acknowledged) >= EVENTS // 4:
                    self.quarter_acknowledged.set()
                return
            self.failures += 1
            await asyncio.sleep(0.05)


async def test_sigkill_keeps_acknowledged_events(
    db: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    await add_site(db)
    port = free_port()
    log = tmp_path / "collect.log"
    command = ["collect", "--workers", "1"]
    server = start_server(command, database_url, port, {}, log)
    sender = Sender(f"http://127.0.0.1:{port}")
    batches: asyncio.Queue[list[dict[str, str]]] = asyncio.Queue()
    for _ in range(EVENTS // BATCH):
        batches.put_nowait([page_view() for _ in range(BATCH)])

    senders = asyncio.gather(*(sender.send_all(batches) for _ in range(SENDERS)))
    try:
        await asyncio.wait_for(sender.quarter_acknowledged.wait(), DEADLINE_SECONDS)
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        acknowledged_at_kill = len(sender.acknowledged)
        server = start_server(command, database_url, port, {}, log)
        await asyncio.wait_for(senders, timeout=DEADLINE_SECONDS)
    finally:
        server.terminate()
        server.wait(timeout=15)

    async with db.connect() as conn:
        counts = dict(
            (
                await conn.execute(
                    text(
                        "SELECT event_id::text, count(*) FROM creatives.pixel_events "
                        "GROUP BY event_id"
                    )
                )
            ).all()
        )
    assert acknowledged_at_kill < EVENTS
    assert sender.failures > 0  # the kill was felt by the senders
    assert len(sender.acknowledged) == EVENTS
    assert sender.acknowledged <= set(counts)
    assert set(counts.values()) == {1}
    assert len(counts) == EVENTS

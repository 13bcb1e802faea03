"""An HTTP client for the app, bound to the test database."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.config import Settings
from creatives.main import create_app
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        jwt_secret_key=TEST_SECRET,
        integration_interval_seconds=0,
        frontend_dir=tmp_path / "no-frontend",
    )


@pytest.fixture
def app_under_test(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
async def client(
    db: AsyncEngine, app_under_test: FastAPI
) -> AsyncIterator[httpx.AsyncClient]:
    app = app_under_test
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver"
        ) as client:
            yield client


async def login(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> dict[str, str]:
    """Log in and return the Authorization header."""
    response = await client.post(
        "/api/account/login", json={"email": email, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['accessToken']}"}


class CountingBody:
    """A request body streamed in chunks that counts how many bytes the app read.

    httpx pulls from the iterator only when the app requests more of the body, so `sent`
    is what the app consumed.
    """

    chunk_size = 64 * 1024

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.sent = 0

    async def stream(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), self.chunk_size):
            chunk = self.data[start : start + self.chunk_size]
            self.sent += len(chunk)
            yield chunk

"""Shared fixtures: one migrated PostgreSQL per test run, emptied after each test that uses it."""

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.database import create_engine, to_sync_url
from creatives.embedded_postgres import start_embedded_postgres
from creatives.migrate import upgrade

# pgserver reads XDG_RUNTIME_DIR when imported; a private folder avoids the shared /tmp fallback.
os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="creatives-runtime-"))

REPOSITORY = Path(__file__).resolve().parent.parent
REAL_DATA = REPOSITORY.parent / "shared" / "data" / "real"
TEST_SECRET = "test-secret-" + "k" * 40

APP_TABLES = (
    "user_customers",
    "users",
    "customers",
    "ad_creative",
    "creative",
    "pixel_event_integrated_data",
    "dim_combined_creative",
)


def real_data_file(relative: str) -> Path:
    """Return a file of the shared real data, or skip the test when it is not there."""
    path = REAL_DATA / relative
    if not path.exists():
        pytest.skip(
            f"real data not found at {path}; it lies in ../shared/data/real beside the repository"
        )
    return path


def _libpq(url: str) -> str:
    return to_sync_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database: inside TEST_DATABASE_URL's server, or an embedded one."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if server_url:
        name = f"creatives_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base, _, query = _libpq(server_url).partition("?")
        url = base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")
        upgrade(url)
        yield url
        with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return

    embedded = start_embedded_postgres(
        tmp_path_factory.mktemp("pg"), database="creatives_test"
    )
    url = embedded.url("creatives_test")
    upgrade(url)
    yield url
    embedded.delete()


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=4)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The engine, with every table emptied after the test so tests never see each other."""
    yield engine
    async with engine.begin() as conn:
        tables = ", ".join(f"creatives.{table}" for table in APP_TABLES)
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))

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
# A fixed value, so tokens made in a test verify in the server the test starts.
TEST_SECRET = "tQ7vK2pX9mZr4LwN8bYc3HjF6sDa1GeU5oRi0TnVkB"

# Every table of the schema but Alembic's, read from the catalog so a new table is never
# forgotten; partitions go with their parent.
APP_TABLES_SQL = """
SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'creatives' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND c.relname <> 'alembic_version'
"""


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
        tables = (await conn.execute(text(APP_TABLES_SQL))).scalar_one()
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))

"""Async database access: one SQLAlchemy engine per process, connections per request."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine


def to_async_url(url: str) -> str:
    """Accept plain `postgresql://` URLs too, as most tools print them."""
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


def to_sync_url(url: str) -> str:
    """Return the psycopg form of a URL, for Alembic and bulk loads."""
    async_url = to_async_url(url)
    return "postgresql+psycopg://" + async_url[len("postgresql+asyncpg://") :]


def create_engine(url: str, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        to_async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        # asyncpg prepares each statement once per connection; the metrics query reuses the plan.
        connect_args={"server_settings": {"application_name": "creatives"}},
    )


async def get_connection(request: Request) -> AsyncIterator[AsyncConnection]:
    engine: AsyncEngine = request.app.state.engine
    async with engine.connect() as conn:
        yield conn


DbConnection = Annotated[AsyncConnection, Depends(get_connection)]


async def get_dashboard_connection(
    request: Request, conn: DbConnection
) -> AsyncConnection:
    """Return the request's connection, with its queries cancelled after the dashboard timeout.

    The request reads in one transaction, so a transaction-local setting covers all its
    later queries. A query cancelled this way raises QueryCanceledError, and the API
    responds with 503 instead of leaving the query running after the client has gone.
    """
    seconds = request.app.state.settings.dashboard_statement_timeout_seconds
    # statement_timeout is in milliseconds, and 0 turns it off.
    timeout = max(1, round(seconds * 1000)) if seconds > 0 else 0
    await conn.execute(
        text("SELECT set_config('statement_timeout', :timeout, true)"),
        {"timeout": str(timeout)},
    )
    return conn


DashboardConnection = Annotated[AsyncConnection, Depends(get_dashboard_connection)]


# PostgreSQL's default autovacuum_analyze_threshold and autovacuum_analyze_scale_factor.
ANALYZE_THRESHOLD_ROWS = 50
ANALYZE_SCALE_FACTOR = 0.1


async def analyze_after_write(
    conn: AsyncConnection, table: str, rows_written: int
) -> bool:
    """Refresh the planner statistics of `table` when a write changed much of it.

    Autovacuum analyzes only after the writing transaction commits, and never when it is
    off. Until then the planner keeps the row count of the old table, and a join that it
    expects to see a few rows becomes a nested loop over tens of thousands. ANALYZE run in
    the writing transaction samples that transaction's own new rows too. The rule is
    autovacuum's default one, or any write to a table without statistics. Returns whether
    the table was analyzed.
    """
    estimate = (
        await conn.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = CAST(:table AS regclass)"),
            {"table": table},
        )
    ).scalar_one()
    # reltuples is -1 until the first VACUUM or ANALYZE, and again after a TRUNCATE.
    grown = rows_written > ANALYZE_THRESHOLD_ROWS + ANALYZE_SCALE_FACTOR * estimate
    if rows_written == 0 or (estimate >= 0 and not grown):
        return False

    # ANALYZE keeps its table lock to the end of this transaction. With SKIP_LOCKED, a
    # concurrent writer that has the lock analyzes the table, so this one does not wait.
    # NOTE: that writer's sample misses this transaction's rows, which are uncommitted.
    await conn.execute(text(f"ANALYZE (SKIP_LOCKED) {table}"))
    return True

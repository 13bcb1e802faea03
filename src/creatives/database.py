"""Async database access: one SQLAlchemy engine per process, connections per request."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
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

"""A FastAPI application with only the collector, for `creatives collect --workers N`.

It skips the dashboard, the login and the per-request log line of the main application:
the collector serves thousands of requests per second and counts them in /metrics.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from creatives.config import get_settings
from creatives.errors import install_error_handlers
from creatives.logging import configure_logging
from creatives.pixel.fast_path import CollectorFastPath
from creatives.pixel.lifecycle import start_collector, stop_collector
from creatives.pixel.router import router


def create_collector_app() -> CollectorFastPath:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    database_url = settings.database_url
    if database_url is None:
        raise RuntimeError("DATABASE_URL is not set; `creatives collect` sets it.")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.collector = await start_collector(database_url, settings)
        try:
            yield
        finally:
            await stop_collector(app.state.collector)

    app = FastAPI(title="Creatives collector", lifespan=lifespan, openapi_url=None)
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(router)
    return CollectorFastPath(app)

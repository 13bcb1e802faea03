"""The FastAPI application."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from creatives.attribution import scheduler
from creatives.attribution.router import router as attribution_router
from creatives.auth.router import router as auth_router
from creatives.auth.throttle import LoginThrottle
from creatives.config import Settings, get_settings
from creatives.creatives.router import router as creatives_router
from creatives.customers.router import router as customers_router
from creatives.database import create_engine
from creatives.errors import error_response, http_error, install_error_handlers
from creatives.health.router import router as health_router
from creatives.imports.router import router as imports_router
from creatives.logging import get_logger
from creatives.middleware import RequestIdMiddleware
from creatives.pixel.demo_shop import router as demo_shop_router
from creatives.pixel.lifecycle import start_collector, stop_collector
from creatives.pixel.router import router as pixel_router

log = get_logger(__name__)


def _mount_frontend(app: FastAPI, dist: Path) -> None:
    """Serve the built dashboard; unknown non-API paths get index.html for client routing.

    The dashboard is served from the 404 handler, not from a catch-all GET route, so a
    path that exists with other methods still gets the router's 405 with an Allow header.
    """
    index = dist / "index.html"
    if not index.is_file():
        log.warning(
            "frontend_missing", path=str(dist), hint="run `make frontend` to build it"
        )
        return
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")
    # The build is immutable while serving, so its file list is read once.
    files = {
        path.relative_to(dist).as_posix(): path
        for path in dist.rglob("*")
        if path.is_file()
    }

    async def spa_or_not_found(request: Request, exc: Exception) -> Response:
        path = request.url.path.removeprefix("/")
        if path == "api" or path.startswith("api/"):
            return error_response(404, "not_found", f"No API endpoint at /{path}.")
        # A missing file under /assets stays a 404: index.html in its place would be
        # parsed as a script or a style sheet.
        if request.method not in ("GET", "HEAD") or path.startswith("assets/"):
            return await http_error(request, exc)
        if path in files:
            return FileResponse(files[path])
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    app.add_exception_handler(404, spa_or_not_found)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_jwt_secret()
    if settings.database_url is None:
        raise RuntimeError(
            "DATABASE_URL is not set; `creatives serve` starts a database for you."
        )
    database_url = settings.database_url

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = create_engine(database_url)
        app.state.collector = await start_collector(database_url, settings)
        integration = scheduler.start(
            app.state.engine, settings.integration_interval_seconds
        )
        log.info("server_started")
        try:
            yield
        finally:
            await scheduler.stop(integration)
            await stop_collector(app.state.collector)
            await app.state.engine.dispose()
            log.info("server_stopped")

    # Swagger UI and ReDoc come with the package instead of a CDN, so /docs works offline.
    app = FastAPIOffline(
        title="Creatives",
        summary="Which ad creatives make money: spend, sessions, conversions and ROAS per copy.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.login_throttle = LoginThrottle()
    install_error_handlers(app)
    app.add_middleware(RequestIdMiddleware)
    routers = (
        health_router,
        auth_router,
        customers_router,
        creatives_router,
        attribution_router,
        imports_router,
        pixel_router,
        demo_shop_router,
    )
    for router in routers:
        app.include_router(router)
    _mount_frontend(app, settings.frontend_dir)
    return app

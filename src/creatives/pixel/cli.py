"""Command-line functions of the pixel: site keys, the snippet, event imports, the collector."""

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Annotated

import asyncpg
import typer

from creatives.config import Settings, get_settings
from creatives.errors import AppError, NotFoundError
from creatives.logging import configure_logging
from creatives.pixel import repository
from creatives.pixel.lifecycle import asyncpg_dsn
from creatives.pixel.repository import SiteRecord
from creatives.pixel.static_files import snippet
from creatives.pixel.validation import SiteConfig
from creatives.runtime import database_url


def _fail(message: str) -> typer.Exit:
    typer.secho(f"Error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code=2)


def _settings() -> Settings:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    return settings


async def _customer_currency(conn: asyncpg.Connection, customer_id: str) -> str:
    currency: str | None = await conn.fetchval(
        "SELECT currency FROM creatives.customers WHERE id = $1", customer_id
    )
    if currency is None:
        raise NotFoundError(
            f"Customer {customer_id!r} not found; add it with `creatives customers add`."
        )
    return currency


async def _ensure_site(dsn: str, customer_id: str) -> SiteRecord:
    conn = await asyncpg.connect(dsn)
    try:
        await _customer_currency(conn, customer_id)
        await repository.create_site(conn, customer_id)
        site = await repository.get_site(conn, customer_id)
    finally:
        await conn.close()
    assert site is not None
    return site


def _print_site(site: SiteRecord, base_url: str, show_secret: bool) -> None:
    origins = ", ".join(site.allowed_origins) or "any"
    typer.echo(f"customer: {site.config.customer_id}")
    typer.echo(f"site key: {site.site_key}")
    typer.echo(f"allowed origins: {origins}")
    typer.echo(f"ad id parameter: {site.config.ad_id_param}")
    typer.echo(f"honours DNT and GPC: {'yes' if site.honor_privacy_signals else 'no'}")
    if show_secret:
        typer.echo(f"signing secret: {site.secret}")
    typer.echo("\nPaste into the <head> of every page:\n")
    typer.echo(snippet(base_url, site.site_key, site.config.ad_id_param))


def pixel(
    customer_id: Annotated[str, typer.Argument(help="Customer id.")],
    base_url: Annotated[
        str,
        typer.Option(help="Public URL of this server, as the shop's pages reach it."),
    ] = "http://127.0.0.1:8000",
    allowed_origin: Annotated[
        list[str] | None,
        typer.Option(
            help="Replace the allowed origins (e.g. https://shop.example); repeat for more."
        ),
    ] = None,
    any_origin: Annotated[
        bool, typer.Option(help="Clear the allowed origins: accept every origin.")
    ] = False,
    ad_id_param: Annotated[
        str | None, typer.Option(help="Query parameter that carries the ad id.")
    ] = None,
    honor_privacy_signals: Annotated[
        bool | None,
        typer.Option(help="Drop events from browsers that send DNT: 1 or Sec-GPC: 1."),
    ] = None,
    show_secret: Annotated[
        bool, typer.Option(help="Print the secret that signs server-to-server calls.")
    ] = False,
    rotate_secret: Annotated[
        bool, typer.Option(help="Replace the signing secret with a new random one.")
    ] = False,
) -> None:
    """Show or change a customer's pixel settings and print the snippet to paste."""
    settings = _settings()
    origins = [] if any_origin else allowed_origin
    if origins:
        origins = [origin.rstrip("/").lower() for origin in origins]

    async def work(dsn: str) -> SiteRecord:
        await _ensure_site(dsn, customer_id)
        conn = await asyncpg.connect(dsn)
        try:
            await repository.update_site(
                conn,
                customer_id,
                allowed_origins=origins,
                ad_id_param=ad_id_param,
                honor_privacy_signals=honor_privacy_signals,
                rotate_secret=rotate_secret,
            )
            site = await repository.get_site(conn, customer_id)
        finally:
            await conn.close()
        assert site is not None
        return site

    try:
        with database_url(settings) as url:
            site = asyncio.run(work(asyncpg_dsn(url)))
    except (AppError, asyncpg.CheckViolationError) as error:
        raise _fail(str(error)) from error
    _print_site(site, base_url, show_secret or rotate_secret)


def import_events(
    directory: Annotated[
        Path,
        typer.Argument(
            exists=True, file_okay=False, help="Folder of the export's CSV files."
        ),
    ],
    customer: Annotated[str, typer.Option(help="Customer id the events belong to.")],
    format: Annotated[
        str, typer.Option("--format", help="Layout of the files: puffy.")
    ] = "puffy",
) -> None:
    """Replay exported pixel events through the collector's validation and storage.

    The events keep their recorded timestamps. Running the same import again stores
    nothing new; every row is then counted as a duplicate.
    """
    from creatives.pixel.importer import ImportReport, import_directory

    settings = _settings()

    async def work(dsn: str) -> ImportReport:
        conn = await asyncpg.connect(dsn)
        try:
            currency = await _customer_currency(conn, customer)
            site = await repository.get_site(conn, customer)
        finally:
            await conn.close()
        config = SiteConfig(
            customer_id=customer,
            currency=currency,
            ad_id_param=site.config.ad_id_param if site else "ad_id",
        )
        return await import_directory(
            directory, config, lambda: asyncpg.connect(dsn), format
        )

    try:
        with database_url(settings) as url:
            report = asyncio.run(work(asyncpg_dsn(url)))
    except AppError as error:
        raise _fail(error.message) from error
    for line in report.lines():
        typer.echo(line)


def collect(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8001,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (one core each).")
    ] = 1,
) -> None:
    """Serve only the collector endpoints (/p.gif, /collect, /pixel.js, /metrics).

    Needs DATABASE_URL (or a running `creatives serve` with the embedded database).
    """
    import uvicorn

    settings = _settings()
    with database_url(settings) as url:
        os.environ["DATABASE_URL"] = url
        if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
                prefix="creatives-metrics-"
            )
        typer.secho(
            f"Collecting on http://{host}:{port}/ with {workers} worker(s)",
            fg=typer.colors.GREEN,
        )
        uvicorn.run(
            "creatives.pixel.app:create_collector_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            access_log=False,
            # The C parser and event loop; uvicorn's "auto" falls back to pure Python
            # silently when they are missing, so a broken install fails here instead.
            http="httptools",
            loop="uvloop",
            server_header=False,
            # A worker imports FastAPI and the bot patterns before it replies to the supervisor's
            # health check, which takes longer than uvicorn's 5 s on a busy machine.
            timeout_worker_healthcheck=60,
        )

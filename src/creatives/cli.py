"""The `creatives` command line."""

import asyncio
import json
import secrets
import signal
import sys
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Annotated, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.config import InsecureSecretError, Settings, get_settings
from creatives.database import create_engine
from creatives.errors import AppError, DatabaseUnavailableError
from creatives.imports.cli import import_app
from creatives.logging import configure_logging
from creatives.runtime import database_url

app = typer.Typer(
    help="Creatives: which ad creatives make money.", no_args_is_help=True
)
users_app = typer.Typer(help="Manage dashboard users.", no_args_is_help=True)
customers_app = typer.Typer(
    help="Manage customers (the advertisers whose data you load).", no_args_is_help=True
)
app.add_typer(users_app, name="users")
app.add_typer(customers_app, name="customers")
app.add_typer(import_app, name="import")


def _register_pixel_commands() -> None:
    from creatives.pixel import cli as pixel_cli

    customers_app.command("pixel")(pixel_cli.pixel)
    app.command("collect")(pixel_cli.collect)
    import_app.command("events")(pixel_cli.import_events)


_register_pixel_commands()

T = TypeVar("T")


def fail(message: str) -> typer.Exit:
    typer.secho(f"Error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code=2)


def _settings() -> Settings:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    return settings


def with_engine(settings: Settings, work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Run `work` against the configured database, migrated first."""

    async def run(url: str) -> T:
        engine = create_engine(url, pool_size=2)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    try:
        with database_url(settings) as url:
            return asyncio.run(run(url))
    except (AppError, ValueError) as error:
        raise fail(str(error)) from error


def _enter_database(stack: ExitStack, settings: Settings) -> str:
    """Open the database for the rest of `stack`, or exit with a short error."""
    try:
        return stack.enter_context(database_url(settings))
    except DatabaseUnavailableError as error:
        raise fail(str(error)) from error


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # uvicorn re-raises SIGTERM after its graceful shutdown; exiting here runs the `finally`
    # blocks that stop the embedded PostgreSQL.
    sys.exit(0)


@app.command()
def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Address to listen on. Default: HOST or 127.0.0.1."),
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="TCP port. Default: PORT or 8000.")
    ] = None,
    demo_if_empty: Annotated[
        bool,
        typer.Option(
            help="Load demo data and a demo user when the database has no customers."
        ),
    ] = False,
) -> None:
    """Serve the API and the dashboard; start an embedded PostgreSQL if DATABASE_URL is unset."""
    import uvicorn

    from creatives.auth.service import authenticate
    from creatives.demo.service import PIPELINE_SCALE, database_is_empty, generate_demo
    from creatives.main import create_app

    settings = _settings()
    try:
        settings.check_jwt_secret()
    except InsecureSecretError as error:
        raise fail(str(error)) from error

    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with ExitStack() as stack:
        url = _enter_database(stack, settings)
        if demo_if_empty:

            async def seed(engine: AsyncEngine) -> bool:
                """Load the demo into an empty database and return whether the demo login works."""
                if await database_is_empty(engine):
                    await generate_demo(
                        engine,
                        PIPELINE_SCALE,
                        settings.demo_email,
                        settings.demo_password,
                    )
                    typer.echo("Loaded demo data.")
                async with engine.connect() as conn:
                    try:
                        await authenticate(
                            conn, settings.demo_email, settings.demo_password
                        )
                    except AppError:
                        return False
                return True

            async def run_seed() -> bool:
                engine = create_engine(url, pool_size=2)
                try:
                    return await seed(engine)
                finally:
                    await engine.dispose()

            if asyncio.run(run_seed()):
                typer.secho(
                    f"Demo login: {settings.demo_email} / {settings.demo_password}",
                    fg=typer.colors.GREEN,
                )
            else:
                typer.echo(
                    "The database already has customers and the demo login does not "
                    "work there; sign in with one of its users (`creatives users list`)."
                )
        bound = settings.model_copy(
            update={
                "database_url": url,
                "host": host or settings.host,
                "port": port or settings.port,
            }
        )
        typer.secho(
            f"Serving on http://{bound.host}:{bound.port}/ (API docs at /docs)",
            fg=typer.colors.GREEN,
        )
        config = uvicorn.Config(
            create_app(bound),
            host=bound.host,
            port=bound.port,
            log_config=None,
            access_log=False,
        )
        uvicorn.Server(config).run()


@app.command()
def migrate() -> None:
    """Apply all database migrations."""
    settings = _settings()
    with ExitStack() as stack:
        _enter_database(stack, settings)
        typer.echo("Database is up to date.")


@app.command()
def demo(
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same data.")
    ] = 7,
    customers: Annotated[
        int, typer.Option(min=1, max=50, help="Number of customers.")
    ] = 3,
    ads: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=100_000,
            help="Ads per customer. Default: 52 (60 with --facts-only).",
        ),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=3650,
            help="Days of data, ending 2024-06-30. Default: 120 (150 with --facts-only).",
        ),
    ] = None,
    events: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=5,
            help="Event names per customer (1 to 5, default 5); only with --facts-only.",
        ),
    ] = None,
    facts_only: Annotated[
        bool,
        typer.Option(
            "--facts-only",
            help="Write synthetic per-ad daily fact rows straight into the dashboard tables "
            "with SQL, for benchmark datasets of millions of rows. No export is imported, no "
            "pixel event is stored and attribution does not run, so there are no conversion "
            "lists or unattributed totals.",
        ),
    ] = False,
) -> None:
    """Fill an empty database with deterministic demo data and a demo user.

    By default each customer gets a Meta Ads Manager export, imported as `import meta`
    does. Its shop visits and purchases go through the pixel collector's validation and
    storage. Then the attribution job builds the dashboard rows.
    """
    from creatives.demo.generator import DemoScale
    from creatives.demo.service import (
        PIPELINE_SCALE,
        generate_demo,
        generate_fact_rows,
    )

    if events is not None and not facts_only:
        raise fail(
            f"--events {events} applies only with --facts-only; the default demo's "
            "event names come from its simulated shop visits."
        )

    settings = _settings()
    defaults = DemoScale() if facts_only else PIPELINE_SCALE
    scale = DemoScale(
        customers=customers,
        ads=ads or defaults.ads,
        days=days or defaults.days,
        events=events or defaults.events,
        seed=seed,
    )
    generate = generate_fact_rows if facts_only else generate_demo
    ids = with_engine(
        settings,
        lambda engine: generate(
            engine, scale, settings.demo_email, settings.demo_password
        ),
    )
    typer.echo(
        f"Demo customers: {', '.join(ids)}. Login: {settings.demo_email} / {settings.demo_password}"
    )


@app.command()
def load(
    table: Annotated[
        str,
        typer.Argument(help="dim_combined_creative or pixel_event_integrated_data."),
    ],
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="CSV with a header of the table's column names.",
        ),
    ],
) -> None:
    """Load a CSV export of the original system's tables, in one transaction.

    A row replaces the stored rows with the same key (customer, ad, day, and for
    pixel_event_integrated_data the event, source, medium and bg_source), so loading a
    file again changes nothing.
    """
    from creatives.loading.service import load_csv

    settings = _settings()
    result = with_engine(settings, lambda engine: load_csv(engine, table, file))
    customers = ", ".join(result.customers) or "none"
    typer.echo(
        f"Loaded {result.rows} row(s) into {result.table}, replacing "
        f"{result.replaced} stored row(s) with the same key; customers: {customers}."
    )


@customers_app.command("add")
def customers_add(
    customer_id: Annotated[
        str, typer.Argument(help="Id as it appears in customer_name, e.g. 23.")
    ],
    name: Annotated[str, typer.Option(help="Display name.")],
    currency: Annotated[
        str, typer.Option(help="ISO 4217 code of the customer's money, e.g. EUR.")
    ],
    time_zone: Annotated[
        str,
        typer.Option(help="IANA time zone of the customer's days, e.g. Europe/Berlin."),
    ],
) -> None:
    """Add a customer."""
    from creatives.customers.schemas import CustomerCreate
    from creatives.customers.service import add_customer

    settings = _settings()
    try:
        customer = CustomerCreate(
            id=customer_id, name=name, currency=currency, time_zone=time_zone
        )
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, item['loc']))}: {item['msg'].removeprefix('Value error, ')}"
            for item in error.errors()
        )
        raise fail(problems) from error

    async def work(engine: AsyncEngine) -> None:
        async with engine.begin() as conn:
            await add_customer(conn, customer)

    with_engine(settings, work)
    typer.echo(
        f"Added customer {customer.id} ({customer.currency}, {customer.time_zone})."
    )


@customers_app.command("list")
def customers_list() -> None:
    """List all customers."""
    from creatives.customers import repository

    async def work(engine: AsyncEngine) -> list[str]:
        async with engine.connect() as conn:
            return [
                f"{c.id}\t{c.name}\t{c.currency}\t{c.time_zone}"
                for c in await repository.list_all(conn)
            ]

    for line in with_engine(_settings(), work):
        typer.echo(line)


@users_app.command("add")
def users_add(
    email: Annotated[
        str, typer.Argument(help="Login email, unique regardless of case.")
    ],
    name: Annotated[str, typer.Option(help="Display name.")],
    role: Annotated[str, typer.Option(help="admin or analyst.")] = "analyst",
    customer: Annotated[
        list[str] | None,
        typer.Option(help="Customer id the user may see; repeat for more."),
    ] = None,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="Password; prompted when omitted.",
        ),
    ] = "",
) -> None:
    """Add a user with access to the given customers."""
    from creatives.auth.service import add_user

    async def work(engine: AsyncEngine) -> int:
        async with engine.begin() as conn:
            return await add_user(conn, email, name, password, role, customer or [])

    user_id = with_engine(_settings(), work)
    typer.echo(f"Added user {user_id} <{email}>.")


@users_app.command("list")
def users_list() -> None:
    """List users with their role, state and customers."""
    from creatives.auth import repository
    from creatives.customers import repository as customer_repository

    async def work(engine: AsyncEngine) -> list[str]:
        lines = []
        async with engine.connect() as conn:
            for user in await repository.list_users(conn):
                ids = [
                    c.id for c in await customer_repository.list_for_user(conn, user.id)
                ]
                state = "active" if user.is_active else "disabled"
                lines.append(
                    f"{user.id}\t{user.email}\t{user.role}\t{state}\t{','.join(ids)}"
                )
        return lines

    for line in with_engine(_settings(), work):
        typer.echo(line)


@users_app.command("set-password")
def users_set_password(
    email: Annotated[str, typer.Argument(help="Login email of the user.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="New password; prompted when omitted.",
        ),
    ] = "",
) -> None:
    """Set a user's password."""
    from creatives.auth.service import set_password

    async def work(engine: AsyncEngine) -> None:
        async with engine.begin() as conn:
            await set_password(conn, email, password)

    with_engine(_settings(), work)
    typer.echo(f"Password changed for {email}.")


@app.command("integrate")
def integrate_command(
    customer: Annotated[str, typer.Option(help="Customer id.")],
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="First local day to rebuild, YYYY-MM-DD. Default: the first day with data.",
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Last local day to rebuild, YYYY-MM-DD, inclusive. Default: the last day with data.",
        ),
    ] = None,
) -> None:
    """Attribute pixel events to ads and rebuild the customer's per-ad daily rows."""
    from creatives.attribution.integration import integrate

    try:
        start_day = date.fromisoformat(start) if start else None
        end_day = date.fromisoformat(end) if end else None
    except ValueError as error:
        raise fail(f"{error}; use dates like 2024-05-01.") from error

    result = with_engine(
        _settings(), lambda engine: integrate(engine, customer, start_day, end_day)
    )
    if result.start_day is None:
        typer.echo(
            f"Customer {customer} has no pixel events or imported spend yet; nothing to do."
        )
        return
    typer.echo(
        f"Integrated {result.start_day} to {result.end_day} for customer {customer}: "
        f"{result.rows} daily rows in {result.seconds:.2f} s."
    )
    if result.unconverted_events:
        typer.echo(
            f"Left out the value of {result.unconverted_events} events that have no exchange "
            "rate (see the log); import the rates with `creatives import rates FILE` and run "
            "this again."
        )


@customers_app.command("configure")
def customers_configure(
    customer_id: Annotated[str, typer.Argument(help="Customer id.")],
    purchase_event: Annotated[
        str | None,
        typer.Option(
            help="Event name that counts as a purchase, for new and returning customers."
        ),
    ] = None,
    attribution_window: Annotated[
        int | None, typer.Option(help="Default attribution window in days: 1, 7 or 30.")
    ] = None,
) -> None:
    """Set a customer's purchase event and default attribution window."""
    from creatives.customers.service import configure_attribution

    async def work(engine: AsyncEngine) -> None:
        async with engine.begin() as conn:
            await configure_attribution(
                conn, customer_id, purchase_event, attribution_window
            )

    with_engine(_settings(), work)
    typer.echo(
        f"Updated customer {customer_id}. Run `creatives integrate --customer {customer_id}` to apply it."
    )


@app.command()
def openapi() -> None:
    """Print the OpenAPI schema as JSON (no database needed)."""
    from creatives.main import create_app

    # Log lines go to stderr and only errors show, so stdout is the schema alone.
    configure_logging("ERROR")
    settings = Settings(
        jwt_secret_key=secrets.token_urlsafe(48),
        database_url="postgresql://unused/openapi",
    )
    typer.echo(json.dumps(create_app(settings).openapi(), indent=2, sort_keys=True))

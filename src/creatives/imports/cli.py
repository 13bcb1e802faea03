"""`creatives import ...`: import ad-platform exports and exchange rates from files."""

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.imports.errors import ImportFileError
from creatives.imports.parsing.numbers import NumberLocale
from creatives.imports.rows import ParseOptions
from creatives.imports.schemas import ImportSummary, RatesSummary
from creatives.imports.service import ImportRequest

import_app = typer.Typer(
    help="Import ad-platform exports (Meta, Google Ads, any CSV) and exchange rates.",
    no_args_is_help=True,
)

MAX_PROBLEMS_SHOWN = 10

FileArgument = Annotated[
    Path,
    typer.Argument(
        exists=True, dir_okay=False, readable=True, help="Export file, CSV or XLSX."
    ),
]
CustomerOption = Annotated[
    str, typer.Option("--customer", help="Customer id the rows belong to, e.g. 23.")
]
LocaleOption = Annotated[
    NumberLocale | None,
    typer.Option(
        help="Number notation: en for 1,234.56 or de for 1.234,56. "
        "Default: detected from all numbers of the file."
    ),
]
CurrencyOption = Annotated[
    str | None,
    typer.Option(
        help="ISO 4217 code (e.g. USD) of amounts when the file names no currency "
        "in a column, in the spend header or as a sign."
    ),
]
SkipInvalidOption = Annotated[
    bool,
    typer.Option(
        help="Skip invalid rows and list their lines in the summary, instead of "
        "failing the whole import."
    ),
]


class _ProgressBar:
    """The import's progress on stderr: bytes read, then the database steps."""

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task

    def advance(self, count: int) -> None:
        self._progress.advance(self._task, count)

    def phase(self, description: str) -> None:
        total = self._progress.tasks[0].total
        self._progress.update(self._task, description=description, completed=total)


@contextmanager
def _progress_bar(path: Path) -> Iterator[_ProgressBar]:
    """Show the bytes read; each file is read twice (profile, then import)."""
    total = path.stat().st_size * 2
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    console = Console(stderr=True)
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(f"Reading {path.name}", total=total)
        yield _ProgressBar(progress, task)


def _print_problems(error: ImportFileError) -> None:
    typer.secho(f"Error: {error}", err=True, fg=typer.colors.RED)
    if error.problem_count > 1:
        for problem in error.problems[:MAX_PROBLEMS_SHOWN]:
            typer.echo(f"  {problem.describe()}", err=True)
        hidden = error.problem_count - min(len(error.problems), MAX_PROBLEMS_SHOWN)
        if hidden > 0:
            typer.echo(f"  ... and {hidden} more", err=True)
    typer.echo("Nothing was imported.", err=True)


def _number(value: object) -> str:
    return f"{value:,}"


def _money(value: Decimal) -> str:
    """Format an amount as read: at least 2 decimals, trailing zeros beyond them dropped.

    A first import sums the cells as written and a repeated one reads the stored sums, so
    the same total must print the same either way.
    """
    exact = value.normalize()
    exponent = exact.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        exact = exact.quantize(Decimal("0.01"))
    return f"{exact:,}"


def _cents(value: Decimal) -> str:
    """Format a converted amount, stored with 6 decimals, to 2 decimals."""
    return f"{value.quantize(Decimal('0.01')):,}"


def print_summary(summary: ImportSummary) -> None:
    """Print what an import read, stored and skipped."""
    if summary.already_imported:
        typer.secho(
            f"{summary.file_name} was already imported for customer "
            f"{summary.customer_id} (import {summary.import_id}); nothing changed.",
            fg=typer.colors.YELLOW,
        )
    else:
        typer.secho(
            f"Imported {summary.file_name} for customer {summary.customer_id} "
            f"(channel {summary.channel}, import {summary.import_id}).",
            fg=typer.colors.GREEN,
        )
    # A repeated file reports the figures of the earlier import it matched.
    imported_label = "imported earlier" if summary.already_imported else "imported"
    typer.echo(
        f"Rows read: {_number(summary.rows_read)}, {imported_label}: "
        f"{_number(summary.rows_imported)}, skipped: {_number(summary.rows_skipped)}"
    )
    for skipped in summary.skipped:
        typer.echo(
            f"  skipped {skipped.rows} ({skipped.reason}): lines {skipped.lines}"
        )
    if summary.period_start is not None:
        typer.echo(f"Dates: {summary.period_start} to {summary.period_end}")
    for totals in summary.totals:
        typer.echo(
            f"{totals.currency}: spend {_money(totals.spend)}, conversion value "
            f"{_money(totals.conversion_value)}, impressions "
            f"{_number(totals.impressions)}, clicks {_number(totals.clicks)}"
        )
    typer.echo(
        f"In {summary.customer_currency}: spend {_cents(summary.spend_converted)}, "
        f"conversion value {_cents(summary.conversion_value_converted)}"
    )
    typer.echo(
        f"Ad periods stored: {_number(summary.ads_periods_stored)}; "
        f"dashboard day rows written: {_number(summary.dashboard_rows)}"
    )


def _run_import(request: ImportRequest) -> None:
    from creatives.cli import _settings, with_engine
    from creatives.imports.service import import_ad_file

    async def work(engine: AsyncEngine) -> ImportSummary:
        with _progress_bar(request.path) as bar:
            async with engine.begin() as conn:
                return await import_ad_file(conn, request, progress=bar)

    try:
        summary = with_engine(_settings(), work)
    except ImportFileError as error:
        _print_problems(error)
        raise typer.Exit(code=2) from error
    print_summary(summary)


@import_app.command("meta")
def import_meta(
    file: FileArgument,
    customer: CustomerOption,
    locale: LocaleOption = None,
    currency: CurrencyOption = None,
    skip_invalid: SkipInvalidOption = False,
) -> None:
    """Import a Meta Ads Manager ad-level export (CSV or XLSX)."""
    options = ParseOptions(locale=locale, currency=currency, skip_invalid=skip_invalid)
    _run_import(ImportRequest(customer, file, file.name, "meta", options))


@import_app.command("google-ads")
def import_google_ads(
    file: FileArgument,
    customer: CustomerOption,
    locale: LocaleOption = None,
    currency: CurrencyOption = None,
    skip_invalid: SkipInvalidOption = False,
) -> None:
    """Import a Google Ads ad report download (CSV or XLSX)."""
    options = ParseOptions(locale=locale, currency=currency, skip_invalid=skip_invalid)
    _run_import(ImportRequest(customer, file, file.name, "google-ads", options))


@import_app.command("csv")
def import_csv(
    file: FileArgument,
    customer: CustomerOption,
    mapping: Annotated[
        str,
        typer.Option(
            "--map",
            help="FIELD=COLUMN pairs separated by commas, e.g. "
            "spend=Cost,impressions=Displays,date=Day,ad_name=Banner. Fields: ad_id, "
            "ad_name, ad_set_id, ad_set_name, campaign_id, campaign_name, ad_copy "
            "(several columns joined with +), date, period_start, period_end, year, "
            "month, day, currency, spend (money), impressions, reach, clicks (counts), "
            "conversions, conversion_value (money).",
        ),
    ],
    channel: Annotated[
        str,
        typer.Option(
            help="Channel label stored with the rows, e.g. display or tiktok."
        ),
    ] = "csv",
    date_format: Annotated[
        str | None,
        typer.Option(
            help="strptime pattern of the date cells, e.g. %d/%m/%Y. Default: "
            "YYYY-MM-DD, YYYY/MM/DD, M/D/YYYY, D.M.YYYY or 'May 1, 2024'."
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(help="Calendar year (e.g. 2020) when month and day are mapped."),
    ] = None,
    locale: LocaleOption = None,
    currency: CurrencyOption = None,
    skip_invalid: SkipInvalidOption = False,
) -> None:
    """Import any CSV or XLSX export, its columns named with --map."""
    options = ParseOptions(
        locale=locale,
        date_format=date_format,
        year=year,
        currency=currency,
        skip_invalid=skip_invalid,
    )
    request = ImportRequest(customer, file, file.name, "csv", options, mapping, channel)
    _run_import(request)


def print_rates_summary(summary: RatesSummary) -> None:
    typer.secho(
        f"Stored {_number(summary.rates)} rates from {summary.file_name} "
        f"({', '.join(summary.pairs)}, {summary.first_date} to {summary.last_date}).",
        fg=typer.colors.GREEN,
    )


@import_app.command("rates")
def import_rates(
    file: FileArgument,
    locale: LocaleOption = None,
    market_notation: Annotated[
        bool,
        typer.Option(
            help="Read a column named AAA/BBB as the price of one AAA in BBB "
            "(EUR/USD 1.08). Default: AAA per one BBB (RUB/USD 58.79)."
        ),
    ] = False,
) -> None:
    """Import daily exchange rates (CSV or XLSX); a rate of the same day is replaced."""
    from creatives.cli import _settings, with_engine
    from creatives.imports.service import import_rates_file

    options = ParseOptions(locale=locale)

    async def work(engine: AsyncEngine) -> RatesSummary:
        async with engine.begin() as conn:
            return await import_rates_file(
                conn, file, file.name, market_notation=market_notation, options=options
            )

    try:
        summary = with_engine(_settings(), work)
    except ImportFileError as error:
        _print_problems(error)
        raise typer.Exit(code=2) from error
    print_rates_summary(summary)


@import_app.command("list")
def list_imports(customer: CustomerOption) -> None:
    """List a customer's imports."""
    from creatives.cli import _settings, with_engine
    from creatives.imports import repository

    async def work(engine: AsyncEngine) -> list[str]:
        async with engine.connect() as conn:
            return [
                f"{row.id}\t{row.channel}\t{row.file_name}\t{row.rows_imported}\t"
                f"{row.period_start}\t{row.period_end}\t{row.created_at:%Y-%m-%d %H:%M}"
                for row in await repository.list_imports(conn, customer)
            ]

    for line in with_engine(_settings(), work):
        typer.echo(line)


@import_app.command("delete")
def delete_import(
    import_id: Annotated[
        int, typer.Argument(help="Import id, as `import list` shows.")
    ],
) -> None:
    """Delete an import with its rows and refresh the dashboard."""
    from creatives.cli import _settings, with_engine
    from creatives.imports import service

    async def work(engine: AsyncEngine) -> str:
        async with engine.begin() as conn:
            return await service.delete_import(conn, import_id)

    customer = with_engine(_settings(), work)
    typer.echo(f"Deleted import {import_id} of customer {customer}.")

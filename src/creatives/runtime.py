"""Database location: DATABASE_URL, or an embedded PostgreSQL under the data folder."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError

from creatives.config import Settings
from creatives.embedded_postgres import EmbeddedPostgres, start_embedded_postgres
from creatives.errors import DatabaseUnavailableError
from creatives.logging import get_logger
from creatives.migrate import upgrade

log = get_logger(__name__)


def _upgrade(url: str) -> None:
    """Apply the migrations, raising a short error when the database cannot be reached."""
    try:
        upgrade(url)
    except (OperationalError, InterfaceError, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        safe_url = make_url(url).render_as_string(hide_password=True)
        log.error("database_connect_failed", url=safe_url, error=reason)
        raise DatabaseUnavailableError(
            f"Cannot connect to the database {safe_url}: {reason}. Check DATABASE_URL "
            "(host, port, database name, user and password), or unset it to use the "
            "embedded PostgreSQL."
        ) from error


def _already_running(data_dir: Path) -> bool:
    return (data_dir.resolve() / "pg" / "postmaster.pid").exists()


@contextmanager
def database_url(settings: Settings, *, migrate: bool = True) -> Iterator[str]:
    """Yield a database URL, starting the embedded server when DATABASE_URL is unset.

    An embedded server this call started is stopped on exit; one that was already running
    (a `creatives serve` in another terminal) is left alone.
    """
    embedded: EmbeddedPostgres | None = None
    stop_on_exit = False
    if settings.database_url:
        url = settings.database_url
    else:
        stop_on_exit = not _already_running(settings.data_dir)
        embedded = start_embedded_postgres(settings.data_dir)
        url = embedded.url()
    try:
        if migrate:
            _upgrade(url)
        yield url
    finally:
        if embedded is not None and stop_on_exit:
            embedded.stop()

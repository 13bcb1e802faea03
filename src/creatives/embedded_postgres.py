"""An embedded PostgreSQL (the pgserver wheel) for machines without a server of their own."""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg

from creatives.logging import get_logger

log = get_logger(__name__)

DATABASE_NAME = "creatives"


@dataclass(frozen=True)
class EmbeddedPostgres:
    """A running cluster; `stop` must be called, because pgserver leaves it running on exit."""

    pgdata: Path
    socket_dir: Path
    system_user: str | None

    def url(self, database: str = DATABASE_NAME) -> str:
        return f"postgresql+asyncpg://postgres@/{database}?host={quote(str(self.socket_dir))}"

    def libpq_url(self, database: str = DATABASE_NAME) -> str:
        return f"postgresql://postgres@/{database}?host={quote(str(self.socket_dir))}"

    def stop(self) -> None:
        import pgserver

        log.info("embedded_postgres_stopping", pgdata=str(self.pgdata))
        try:
            # pgserver creates its command wrappers at import time, so mypy cannot see them.
            pgserver.pg_ctl(  # type: ignore[attr-defined]
                ["-m", "fast", "-w", "stop"], pgdata=self.pgdata, user=self.system_user
            )
        except Exception as error:
            log.warning("embedded_postgres_stop_failed", error=str(error))
        else:
            log.info("embedded_postgres_stopped", pgdata=str(self.pgdata))

    def delete(self) -> None:
        self.stop()
        shutil.rmtree(self.pgdata, ignore_errors=True)


def _prepare_runtime_dir(data_dir: Path) -> None:
    # Without XDG_RUNTIME_DIR, platformdirs warns and pgserver falls back to a shared
    # /tmp/runtime-0; a folder of our own with mode 700 avoids both. A value set by the
    # user's session is kept.
    runtime = data_dir / "runtime"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))


def _ensure_database(server_url: str, database: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
        if exists is None:
            conn.execute(f'CREATE DATABASE "{database}"')
            log.info("database_created", database=database)


def start_embedded_postgres(
    data_dir: Path, database: str = DATABASE_NAME
) -> EmbeddedPostgres:
    """Start (or reuse) a cluster under `data_dir/pg` and make sure `database` exists."""
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    _prepare_runtime_dir(data_dir)
    # pgserver reads XDG_RUNTIME_DIR when it is imported (its lock file's folder), so the
    # import must follow `_prepare_runtime_dir`.
    import pgserver

    pgdata = data_dir / "pg"
    log.info("embedded_postgres_starting", pgdata=str(pgdata))
    server = pgserver.get_server(pgdata, cleanup_mode=None)  # type: ignore[attr-defined]
    embedded = EmbeddedPostgres(
        pgdata=pgdata,
        socket_dir=_socket_dir(server.get_uri()),
        system_user=server.system_user,
    )
    _ensure_database(embedded.libpq_url("postgres"), database)
    log.info("embedded_postgres_started", pgdata=str(pgdata))
    return embedded


def _socket_dir(uri: str) -> Path:
    return Path(uri.split("host=", 1)[1].split("&", 1)[0])

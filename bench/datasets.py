"""Benchmark datasets: one database per scale, filled by `creatives demo --facts-only`."""

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench.machine import LoadRange, LoadSampler, cpu_seconds
from creatives.database import to_sync_url
from creatives.embedded_postgres import start_embedded_postgres

CREATIVES = str(Path(sys.executable).with_name("creatives"))


@dataclass(frozen=True)
class Scale:
    name: str
    customers: int
    ads: int
    days: int
    events: int

    def demo_args(self) -> list[str]:
        # Millions of rows are too many for the collector path: write the fact rows with SQL.
        return [
            "--facts-only",
            "--customers",
            str(self.customers),
            "--ads",
            str(self.ads),
            "--days",
            str(self.days),
            "--events",
            str(self.events),
        ]


# Every demo customer has the same shape, so the largest customer is the same at both
# scales. The large scale has eight times as many customers around it.
SCALES = {
    "small": Scale("small", customers=2, ads=2000, days=365, events=5),
    "large": Scale("large", customers=16, ads=2000, days=365, events=5),
}


@dataclass(frozen=True)
class Dataset:
    scale: Scale
    url: str
    fact_rows: int
    derived_rows: int
    load_seconds: float
    # CPU seconds of PostgreSQL and of `creatives demo` during the load, or None when the
    # server's processes cannot be read from this machine.
    load_cpu_seconds: float | None = None
    # 1-minute load average during the load; None for datasets of older runs.
    load_average: LoadRange | None = None
    # When the load ran, as "YYYY-MM-DD HH:MM UTC", and whether this run reused its dataset.
    built_at: str | None = None
    reused: bool = False


def libpq(url: str) -> str:
    return to_sync_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


def database_url(server_url: str, database: str) -> str:
    base, _, query = libpq(server_url).partition("?")
    return base.rsplit("/", 1)[0] + f"/{database}" + (f"?{query}" if query else "")


@contextmanager
def server(results: Path) -> Iterator[str]:
    """Yield the URL of a server to create the databases on: DATABASE_URL's or an embedded one."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield libpq(configured)
        return
    embedded = start_embedded_postgres(results / "postgres", database="postgres")
    try:
        yield embedded.libpq_url("postgres")
    finally:
        embedded.stop()


def _count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT count(*) FROM creatives.{table}").fetchone()
    return int(row[0]) if row else 0


def recreate_database(server_url: str, database: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')


def _server_cpu_seconds(url: str) -> float | None:
    """Return the CPU time of a local server's postmaster and its ended child processes.

    Backends add their CPU time to the postmaster's children fields when they exit, so the
    difference over a run counts every connection that ended during it. A remote server,
    or one whose files this user cannot read, gives None.
    """
    try:
        with psycopg.connect(url) as conn:
            data_directory = conn.execute("SHOW data_directory").fetchone()
        if data_directory is None:
            return None
        pid = (Path(data_directory[0]) / "postmaster.pid").read_text().split()[0]
        return cpu_seconds(int(pid), children=True)
    except (psycopg.Error, OSError, IndexError, ValueError):
        return None


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_demo(
    url: str, scale: Scale, log_file: Path
) -> tuple[float, float | None, LoadRange]:
    """Run `creatives demo --facts-only` into `url`.

    Return its wall and CPU seconds and the load average while it ran. Its log, with each
    customer's step times, goes to `log_file`.
    """
    environment = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "INFO"}
    subprocess.run(
        [CREATIVES, "migrate"], env=environment, check=True, capture_output=True
    )
    server_before = _server_cpu_seconds(url)
    client_before = _children_cpu_seconds()
    started = time.perf_counter()
    with log_file.open("w") as log, LoadSampler(interval=5.0) as load:
        subprocess.run(
            [CREATIVES, "demo", *scale.demo_args()],
            env=environment,
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    seconds = time.perf_counter() - started
    server_after = _server_cpu_seconds(url)
    if server_before is None or server_after is None:
        return seconds, None, load.range()
    client = _children_cpu_seconds() - client_before
    return seconds, server_after - server_before + client, load.range()


def prepare(server_url: str, scale: Scale, results: Path, rebuild: bool) -> Dataset:
    """Build the scale's database, or reuse the one a previous run built with the same shape."""
    database = f"creatives_bench_{scale.name}"
    url = database_url(server_url, database)
    marker = results / f"dataset-{scale.name}.json"
    if not rebuild and marker.exists():
        saved = json.loads(marker.read_text())
        if saved.get("scale") == asdict(scale):
            print(
                f"Reusing the {scale.name} dataset ({database}); --rebuild rebuilds it."
            )
            load_average = saved.get("load_average")
            return Dataset(
                scale,
                url,
                saved["fact_rows"],
                saved["derived_rows"],
                saved["load_seconds"],
                saved.get("load_cpu_seconds"),
                LoadRange(*load_average) if load_average else None,
                saved.get("built_at"),
                reused=True,
            )

    print(f"Building the {scale.name} dataset in {database} ...", flush=True)
    recreate_database(server_url, database)
    built_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    seconds, load_cpu, load_average = _run_demo(
        url, scale, results / f"demo-{scale.name}.log"
    )
    dataset = Dataset(
        scale,
        url,
        _count(url, "pixel_event_integrated_data"),
        _count(url, "ad_event_cumulative"),
        seconds,
        load_cpu,
        load_average,
        built_at,
    )
    marker.write_text(
        json.dumps(
            {
                "scale": asdict(scale),
                "fact_rows": dataset.fact_rows,
                "derived_rows": dataset.derived_rows,
                "load_seconds": seconds,
                "load_cpu_seconds": load_cpu,
                "load_average": [load_average.low, load_average.high],
                "built_at": built_at,
            }
        )
    )
    print(f"  {dataset.fact_rows:,} fact rows in {seconds:.1f} s", flush=True)
    return dataset

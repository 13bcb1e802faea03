"""`make bench-attribution`: time `creatives integrate` on generated pixel events.

It builds its own database, on DATABASE_URL's server or an embedded one under
bench-results/, and generates the events and spend in SQL (see `bench.attribution_data`).
Then it times four runs of the real command: the full integration, a rerun of it, an
incremental run over the days that an appended day of events touched, and a full run
after the append. Each run is checked against figures computed straight from the raw
events, the rerun and the final full run must write exactly the rows of the run before,
and the result goes to docs/attribution-benchmarks.md.
"""

import argparse
import json
import os
import re
import subprocess
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg

from bench import report
from bench.attribution_checks import Checks, check_totals, checksum
from bench.attribution_data import (
    CUSTOMER,
    Shape,
    append_day,
    drop_appended,
    generate,
)
from bench.attribution_report import render
from bench.datasets import CREATIVES, database_url, recreate_database, server
from creatives.attribution.scheduler import CHANGED_CUSTOMERS, RECENT
from creatives.migrate import upgrade

REPOSITORY = Path(__file__).resolve().parent.parent
DATABASE = "creatives_bench_attribution"


@dataclass(frozen=True)
class Run:
    name: str
    command: str
    seconds: float
    engine_seconds: float
    load_average: str
    checks: Checks | None
    same_as: str


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _integrate(url: str, name: str, extra: list[str]) -> tuple[float, float, str]:
    """Run `creatives integrate`; return wall seconds, the command's own seconds and the command."""
    arguments = ["integrate", "--customer", CUSTOMER, *extra]
    environment = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    print(f"  {name}: creatives {' '.join(arguments)} ...", flush=True)
    started = time.perf_counter()
    finished = subprocess.run(
        [CREATIVES, *arguments],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    match = re.search(r"in ([0-9.]+) s\.", finished.stdout)
    engine_seconds = float(match.group(1)) if match else float("nan")
    print(f"    {seconds:.2f} s ({finished.stdout.strip()})", flush=True)
    return seconds, engine_seconds, f"creatives {' '.join(arguments)}"


def _prepare(
    server_url: str, shape: Shape, results: Path, rebuild: bool
) -> tuple[str, float]:
    """Build the dataset, or reuse the one a previous run built with the same shape."""
    url = database_url(server_url, DATABASE)
    marker = results / "dataset-attribution.json"
    expected_shape = {key: str(value) for key, value in asdict(shape).items()}
    if not rebuild and marker.exists():
        saved = json.loads(marker.read_text())
        if saved.get("shape") == expected_shape:
            print(f"Reusing the dataset in {DATABASE}; --rebuild builds it again.")
            with psycopg.connect(url) as conn:
                drop_appended(conn)
                _drop_results(conn)
            return url, float(saved["seconds"])

    print(f"Generating {shape.events:,} events in {DATABASE} ...", flush=True)
    recreate_database(server_url, DATABASE)
    upgrade(url)
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        generate(conn, shape)
    seconds = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE creatives.pixel_events")
    marker.write_text(json.dumps({"shape": expected_shape, "seconds": seconds}))
    print(f"  generated in {seconds:.1f} s", flush=True)
    return url, seconds


def _drop_results(conn: psycopg.Connection) -> None:
    for table, column in (
        ("pixel_event_integrated_data", "customer_name"),
        ("unattributed_daily", "customer_id"),
        ("attributed_conversion", "customer_id"),
        ("ad_event_cumulative", "customer_name"),
        ("event_day_range", "customer_name"),
    ):
        conn.execute(
            f"DELETE FROM creatives.{table} WHERE {column} = %(customer)s",  # type: ignore[arg-type]
            {"customer": CUSTOMER},
        )


def _changed_days(url: str, since: datetime) -> tuple[date, date]:
    """Return the days the scheduler would integrate for events received after `since`."""
    with psycopg.connect(url) as conn:
        sql = (
            str(CHANGED_CUSTOMERS)
            .replace(":recent", "%(recent)s")
            .replace(":since", "%(since)s")
        )
        row = conn.execute(sql, {"recent": since - RECENT, "since": since}).fetchone()
    assert row is not None, "no appended events found"
    return row[1], row[2]


def _timed(
    url: str, name: str, extra: list[str], same_as: tuple[str, str] | None
) -> tuple[Run, str]:
    load = _load_average()
    seconds, engine_seconds, command = _integrate(url, name, extra)
    with psycopg.connect(url) as conn:
        checks = check_totals(conn)
        digest = checksum(conn)
    print(f"    {checks.summary()}", flush=True)
    same = "-"
    if same_as is not None:
        earlier_name, earlier_digest = same_as
        same = "yes" if digest == earlier_digest else "**no**"
        print(f"    rows identical to {earlier_name}: {same}", flush=True)
    return Run(name, command, seconds, engine_seconds, load, checks, same), digest


def run(
    shape: Shape, results: Path, rebuild: bool
) -> tuple[list[Run], dict[str, str], dict[str, object]]:
    runs: list[Run] = []
    with server(results) as server_url:
        url, generate_seconds = _prepare(server_url, shape, results, rebuild)
        full, first = _timed(url, "full", [], None)
        rerun, _ = _timed(url, "rerun", [], ("full", first))
        runs += [full, rerun]

        since = datetime.now(UTC) - timedelta(seconds=1)
        with psycopg.connect(url) as conn:
            appended = append_day(conn, shape)
        start, end = _changed_days(url, since)
        print(
            f"  appended {appended:,} events, received now, dated {start} to {end}",
            flush=True,
        )
        incremental, after = _timed(
            url,
            "incremental",
            ["--from", start.isoformat(), "--to", end.isoformat()],
            None,
        )
        full_after, _ = _timed(url, "full after append", [], ("incremental", after))
        runs += [incremental, full_after]
        machine = report.machine(url)
    facts: dict[str, object] = {
        "generate_seconds": generate_seconds,
        "appended": appended,
        "incremental_days": f"{start} to {end}",
    }
    return runs, machine, facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--events", type=int, default=10_000_000, help="Pixel events to generate."
    )
    parser.add_argument("--days", type=int, default=365, help="Days of history.")
    parser.add_argument("--ads", type=int, default=3000, help="Ads with spend.")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="Generate the events again even when a previous run left them.",
    )
    parser.add_argument(
        "--output", type=Path, default=REPOSITORY / "docs" / "attribution-benchmarks.md"
    )
    arguments = parser.parse_args()

    # The history ends the day before yesterday, so the appended day is yesterday and the
    # scheduler's query (events of the last 35 days) finds it.
    end_day = datetime.now(UTC).date() - timedelta(days=2)
    shape = Shape(arguments.events, arguments.days, arguments.ads, end_day)
    results = REPOSITORY / "bench-results"
    results.mkdir(exist_ok=True)
    load_before = _load_average()
    started = time.perf_counter()
    runs, machine, facts = run(shape, results, arguments.rebuild)
    machine["load average before"] = load_before
    machine["load average after"] = _load_average()
    machine["whole run"] = f"{(time.perf_counter() - started) / 60:.1f} min"

    text = render(shape, runs, machine, facts)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(text)
    print(text)
    print(f"Wrote {arguments.output}")


if __name__ == "__main__":
    main()

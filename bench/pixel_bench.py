"""Benchmark the collector with wrk: durable events/s and latency, beside nginx's empty_gif.

Run with `make bench-pixel`. It starts a throwaway embedded PostgreSQL (or uses
DATABASE_URL) and a `creatives collect` with several workers on a free 127.0.0.1 port. When
nginx is installed, it also starts nginx for the baseline. Every request goes to 127.0.0.1.
Durable events are counted in the database after each run, so a figure is what was
committed, not what received a response.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg

from creatives.database import to_sync_url
from creatives.embedded_postgres import start_embedded_postgres
from creatives.migrate import upgrade

HERE = Path(__file__).resolve().parent
CREATIVES = str(Path(sys.executable).with_name("creatives"))
SITE_KEY = "bench_site_key_01"
GIF_QUERY = (
    f"/p.gif?site_key={SITE_KEY}&event_name=page_view&client_id=c1&session_id=s1"
    "&url=https%3A%2F%2Fshop.example%2Fland%3Futm_source%3Dfb%26ad_id%3D1203"
)


@dataclass
class Run:
    name: str
    connections: int
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p99_ms: float
    events_per_request: int
    stored_events: int | None
    collector_cpu_seconds: float | None = None
    database_cpu_seconds: float | None = None

    @property
    def cpu_ms_per_1000_events(self) -> float | None:
        """CPU time of the collector and PostgreSQL per 1,000 durable events."""
        if not self.stored_events or self.collector_cpu_seconds is None:
            return None
        total = self.collector_cpu_seconds + (self.database_cpu_seconds or 0.0)
        return total * 1e6 / self.stored_events

    def cpu_split(self) -> str:
        """Format the CPU ms per 1,000 events as `total (collector + database)`, or `-`."""
        total = self.cpu_ms_per_1000_events
        if total is None or not self.stored_events:
            return "-"
        collector = (self.collector_cpu_seconds or 0.0) * 1e6 / self.stored_events
        database = (self.database_cpu_seconds or 0.0) * 1e6 / self.stored_events
        return f"{total:.0f} ({collector:.0f} + {database:.0f})"

    @property
    def responses_per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def durable_events_per_second(self) -> float | None:
        if self.stored_events is None:
            return None
        return self.stored_events / self.seconds

    @property
    def lost(self) -> int | None:
        """Acknowledged events that are not in the database (must be 0)."""
        if self.stored_events is None:
            return None
        acknowledged = (self.requests - self.non_2xx) * self.events_per_request
        return max(0, acknowledged - self.stored_events)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree_cpu(roots: list[int]) -> dict[str, float]:
    """CPU seconds (user + system) used so far by each root process and its descendants."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    totals = {}
    for root in roots:
        tree = {root}
        changed = True
        while changed:
            children = {pid for pid, parent in parents.items() if parent in tree}
            changed = not children <= tree
            tree |= children
        totals[str(root)] = sum(cpu.get(pid, 0.0) for pid in tree)
    return totals


def libpq(url: str) -> str:
    return "postgresql://" + to_sync_url(url).split("://", 1)[1]


def count_events(url: str) -> int:
    with psycopg.connect(libpq(url)) as conn:
        row = conn.execute("SELECT count(*) FROM creatives.pixel_events").fetchone()
    return int(row[0]) if row else 0


def prepare_database(url: str) -> None:
    upgrade(url)
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO creatives.customers (id, name, currency, time_zone) "
            "VALUES ('bench', 'Bench shop', 'EUR', 'UTC') ON CONFLICT DO NOTHING"
        )
        conn.execute(
            "INSERT INTO creatives.pixel_sites (customer_id, site_key, secret) "
            "VALUES ('bench', %s, %s) ON CONFLICT DO NOTHING",
            (SITE_KEY, "b" * 64),
        )


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, path: str, seconds: float = 90.0) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no response from 127.0.0.1:{port}{path} within {seconds} s")


def start_collector(
    url: str, workers: int, log: Path
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "PIXEL_RATE_LIMIT_PER_IP": "100000000/second",
        "PIXEL_RATE_LIMIT_PER_SITE": "100000000/second",
    }
    command = [CREATIVES, "collect", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    wait_for_port(port, "/pixel.js")
    # Every worker must be up, or the first seconds measure one worker only.
    time.sleep(2.0 + workers)
    return process, port


def start_nginx(folder: Path) -> tuple[subprocess.Popen[bytes], int] | None:
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        return None
    port = free_port()
    config = folder / "nginx.conf"
    config.write_text(
        f"""
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder};
    proxy_temp_path {folder};
    fastcgi_temp_path {folder};
    uwsgi_temp_path {folder};
    scgi_temp_path {folder};
    server {{
        listen 127.0.0.1:{port};
        location = /p.gif {{ empty_gif; }}
    }}
}}
"""
    )
    process = subprocess.Popen([nginx, "-c", str(config), "-p", str(folder)])
    wait_for_port(port, "/p.gif")
    return process, port


def wrk(
    url: str,
    connections: int,
    seconds: int,
    script: Path,
    env: dict[str, str] | None = None,
) -> dict[str, int]:
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(script), url,
    ]  # fmt: skip
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=True,
    )
    line = [text for text in result.stdout.splitlines() if text.startswith("{")][-1]
    figures: dict[str, int] = json.loads(line)
    return figures


def measure(
    name: str,
    base: str,
    path: str,
    connections: int,
    seconds: int,
    script: Path,
    events_per_request: int,
    database_url: str | None,
    env: dict[str, str] | None = None,
    cpu_roots: tuple[int, int] | None = None,
) -> Run:
    """Run wrk once; count the events stored and the CPU the collector and database used."""
    before = count_events(database_url) if database_url else 0
    cpu_before = process_tree_cpu(list(cpu_roots)) if cpu_roots else {}
    figures = wrk(base + path, connections, seconds, script, env)
    # In-flight flushes of requests that wrk stopped waiting for may still commit.
    time.sleep(1.0)
    stored = count_events(database_url) - before if database_url else None
    cpu_after = process_tree_cpu(list(cpu_roots)) if cpu_roots else {}
    used = {key: cpu_after[key] - cpu_before[key] for key in cpu_after}
    return Run(
        name=name,
        connections=connections,
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        non_2xx=figures["non_2xx"],
        socket_errors=figures["socket_errors"],
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        events_per_request=events_per_request,
        stored_events=stored,
        collector_cpu_seconds=used[str(cpu_roots[0])] if cpu_roots else None,
        database_cpu_seconds=used[str(cpu_roots[1])] if cpu_roots else None,
    )


def paced_env(connections: int, target_requests_per_second: float) -> dict[str, str]:
    delay = max(1, round(connections * 1000 / target_requests_per_second))
    return {"WRK_DELAY_MS": str(delay)}


def table(runs: list[Run]) -> str:
    lines = [
        "| run | conns | requests/s | durable events/s | non-2xx | lost | p50 ms | p99 ms "
        "| CPU ms per 1k events (collector + database) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        durable = run.durable_events_per_second
        lines.append(
            f"| {run.name} | {run.connections} | {run.responses_per_second:,.0f} | "
            f"{'-' if durable is None else f'{durable:,.0f}'} | {run.non_2xx} | "
            f"{'-' if run.lost is None else run.lost} | {run.p50_ms:.1f} | {run.p99_ms:.1f} | "
            f"{run.cpu_split()} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--workers", type=int, default=2, help="collector worker processes"
    )
    parser.add_argument(
        "--seconds", type=int, default=10, help="duration of each wrk run"
    )
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--output", type=Path, default=Path("bench-results/pixel.json"))
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="creatives-bench-"))
    embedded = None
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        embedded = start_embedded_postgres(folder / "data", database="creatives_bench")
        database_url = embedded.url("creatives_bench")
    prepare_database(database_url)
    collector, port = start_collector(
        database_url, args.workers, folder / "collect.log"
    )
    nginx = start_nginx(folder)
    base = f"http://127.0.0.1:{port}"
    report = HERE / "wrk_report.lua"
    batch = HERE / "collect_batch.lua"
    batch_env = {"SITE_KEY": SITE_KEY, "BATCH_SIZE": "50"}
    runs: list[Run] = []
    # CPU is counted only for an embedded database, whose server process is known here.
    roots = None
    if embedded is not None:
        postmaster = int((embedded.pgdata / "postmaster.pid").read_text().split()[0])
        roots = (collector.pid, postmaster)
    plan = [
        ("GET /p.gif", GIF_QUERY, report, 1, {}),
        ("POST /collect x50", "/collect", batch, 50, batch_env),
    ]
    try:
        wrk(base + GIF_QUERY, 8, 2, report)  # warm-up: caches, salts, partitions
        for name, path, script, events, env in plan:
            full = measure(
                name, base, path, args.connections, args.seconds, script, events,
                database_url, env, roots,
            )  # fmt: skip
            half = paced_env(args.connections, full.responses_per_second / 2)
            paced = measure(
                f"{name} at half rate", base, path, args.connections, args.seconds,
                script, events, database_url, {**env, **half}, roots,
            )  # fmt: skip
            runs += [full, paced]
        if nginx is not None:
            nginx_base = f"http://127.0.0.1:{nginx[1]}"
            runs.append(
                measure(
                    "nginx empty_gif",
                    nginx_base,
                    "/p.gif",
                    args.connections,
                    args.seconds,
                    report,
                    1,
                    None,
                )
            )
    finally:
        collector.terminate()
        collector.wait(timeout=30)
        if nginx is not None:
            nginx[0].terminate()
            nginx[0].wait(timeout=10)
        if embedded is not None:
            embedded.delete()

    load = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} cores, load average {load:.1f}; workers: {args.workers}"
    )
    print(table(runs))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            [
                {
                    **asdict(run),
                    "responses_per_second": run.responses_per_second,
                    "durable_events_per_second": run.durable_events_per_second,
                    "lost": run.lost,
                    "cpu_ms_per_1000_events": run.cpu_ms_per_1000_events,
                }
                for run in runs
            ],
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

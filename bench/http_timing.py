"""End-to-end timings over HTTP against a real `creatives serve`."""

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.datasets import CREATIVES
from bench.machine import (
    NO_TIME,
    LoadRange,
    LoadSampler,
    SchedulerTime,
    process_stat,
    scheduler_time,
)
from bench.stats import Timing, summarize

DEMO_EMAIL = "demo@creatives.local"
DEMO_PASSWORD = "demo-password"
STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class Request:
    label: str
    path: str
    params: dict[str, str]


@dataclass(frozen=True)
class Served:
    """A running `creatives serve`: its base URL and process id."""

    base_url: str
    pid: int


@dataclass(frozen=True)
class CpuPerRequest:
    """Mean milliseconds per request over `requests` requests of one kind sent in a row.

    `*_ms` are time on a CPU; `waiting_ms` is the time the server, its PostgreSQL
    backends and the client were runnable but waited for a CPU, summed.
    """

    server_ms: float
    database_ms: float
    client_ms: float
    waiting_ms: float
    wall_ms: float
    requests: int

    @property
    def total_ms(self) -> float:
        """CPU time of the server and PostgreSQL per request."""
        return self.server_ms + self.database_ms


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_healthy(
    base_url: str, process: subprocess.Popen[bytes], log_file: Path
) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            code = process.returncode
            ending = (
                f"was stopped by signal {signal.Signals(-code).name}"
                if code < 0
                else f"exited with code {code}"
            )
            raise RuntimeError(
                f"creatives serve {ending} before /api/health responded; its log is "
                f"{log_file}"
            )
        try:
            if httpx.get(f"{base_url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(
        f"creatives serve timed out: {base_url}/api/health did not return 200 "
        f"within {STARTUP_SECONDS:.0f} s"
    )


@contextmanager
def serve(url: str, frontend_dir: Path, log_file: Path) -> Iterator[Served]:
    """Run `creatives serve` on a free local port against `url`, with the dashboard built in
    `frontend_dir` and its output in `log_file`."""
    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "FRONTEND_DIR": str(frontend_dir),
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            [CREATIVES, "serve"], env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process, log_file)
        yield Served(base_url, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _login(client: httpx.Client) -> dict[str, str]:
    response = client.post(
        "/api/account/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['accessToken']}"}


def _send(client: httpx.Client, request: Request, headers: dict[str, str]) -> float:
    """Send one request and return its wall seconds."""
    started = time.perf_counter()
    response = client.get(request.path, params=request.params, headers=headers)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed


def time_requests(
    base_url: str, requests: list[Request], warmup: int, repeats: int
) -> tuple[dict[str, Timing], LoadRange]:
    """Time each request `repeats` times after `warmup` untimed rounds, on one keep-alive client.

    Each round sends every request once, so a burst of load from other processes on the
    machine spreads over all requests instead of falling on one of them. Return the timings
    and the load average during the timed rounds.
    """
    samples: dict[str, list[float]] = {request.label: [] for request in requests}
    with httpx.Client(base_url=base_url, timeout=60) as client:
        headers = _login(client)
        for _ in range(warmup):
            for request in requests:
                _send(client, request, headers)
        with LoadSampler() as load:
            for _ in range(repeats):
                for request in requests:
                    samples[request.label].append(_send(client, request, headers))
    return {label: summarize(values) for label, values in samples.items()}, load.range()


# The server's connections are client backends of the benchmark database; the query
# leaves out the connection that runs it.
SERVER_BACKENDS = """
SELECT pid FROM pg_stat_activity
WHERE datname = current_database() AND backend_type = 'client backend'
  AND pid <> pg_backend_pid()
"""


def _backends_time(
    conn: psycopg.Connection[tuple[Any, ...]],
) -> dict[int, SchedulerTime] | None:
    """Return the scheduler time of each of the server's PostgreSQL backends.

    None when a backend is not a `postgres` process of this machine, as with a remote server.
    """
    found = {}
    for (pid,) in conn.execute(SERVER_BACKENDS).fetchall():
        stat = process_stat(pid)
        time_of_pid = scheduler_time(pid)
        if stat is None or not stat[0].startswith("postgres") or time_of_pid is None:
            return None
        found[pid] = time_of_pid
    return found


@dataclass(frozen=True)
class _Snapshot:
    server: SchedulerTime
    backends: dict[int, SchedulerTime]
    client: SchedulerTime


def _snapshot(
    server_pid: int, conn: psycopg.Connection[tuple[Any, ...]]
) -> _Snapshot | None:
    backends = _backends_time(conn)
    server = scheduler_time(server_pid)
    client = scheduler_time(os.getpid())
    if backends is None or server is None or client is None:
        return None
    return _Snapshot(server, backends, client)


def cpu_per_request(
    served: Served, database_url: str, requests: list[Request], repeats: int
) -> dict[str, CpuPerRequest] | None:
    """Send each request `repeats` times in a row and split its mean time per request.

    The split, read from /proc/PID/task/*/schedstat, is the time on a CPU of the server
    process, of its PostgreSQL backends and of this client, and the time they waited for
    a CPU. Backends that end during the requests are not counted. Return None when the
    processes cannot be read from this machine, as with a remote PostgreSQL.
    """
    found = {}
    with (
        httpx.Client(base_url=served.base_url, timeout=60) as client,
        psycopg.connect(database_url, autocommit=True) as conn,
    ):
        headers = _login(client)
        # One untimed request of each kind, so the pool has opened its connections.
        for request in requests:
            _send(client, request, headers)
        for request in requests:
            before = _snapshot(served.pid, conn)
            started = time.perf_counter()
            for _ in range(repeats):
                _send(client, request, headers)
            wall = time.perf_counter() - started
            client_after = scheduler_time(os.getpid())
            server_after = scheduler_time(served.pid)
            backends_after = _backends_time(conn)
            if (
                before is None
                or client_after is None
                or server_after is None
                or backends_after is None
            ):
                return None
            database = NO_TIME
            for pid, after in backends_after.items():
                database += after - before.backends.get(pid, NO_TIME)
            server = server_after - before.server
            own = client_after - before.client
            found[request.label] = CpuPerRequest(
                server_ms=server.running * 1000 / repeats,
                database_ms=database.running * 1000 / repeats,
                client_ms=own.running * 1000 / repeats,
                waiting_ms=(server.waiting + database.waiting + own.waiting)
                * 1000
                / repeats,
                wall_ms=wall * 1000 / repeats,
                requests=repeats,
            )
    return found

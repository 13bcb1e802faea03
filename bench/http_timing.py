"""End-to-end timings over HTTP against a real `creatives serve`."""

import os
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from bench.datasets import CREATIVES
from bench.stats import Timing, summarize

DEMO_EMAIL = "demo@creatives.local"
DEMO_PASSWORD = "demo-password"
STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class Request:
    label: str
    path: str
    params: dict[str, str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_healthy(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"creatives serve exited with code {process.returncode}")
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
def serve(url: str) -> Iterator[str]:
    """Run `creatives serve` on a free local port against `url`; yield its base URL."""
    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [CREATIVES, "serve"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _login(client: httpx.Client) -> dict[str, str]:
    response = client.post(
        "/api/account/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['accessToken']}"}


def time_requests(
    base_url: str, requests: list[Request], warmup: int, repeats: int
) -> dict[str, Timing]:
    """Time each request `repeats` times after `warmup` untimed rounds, on one keep-alive client.

    Each round sends every request once, so a burst of load from other processes on the
    machine spreads over all requests instead of falling on one of them.
    """
    samples: dict[str, list[float]] = {request.label: [] for request in requests}
    with httpx.Client(base_url=base_url, timeout=60) as client:
        headers = _login(client)
        for round_index in range(warmup + repeats):
            for request in requests:
                started = time.perf_counter()
                response = client.get(
                    request.path, params=request.params, headers=headers
                )
                elapsed = time.perf_counter() - started
                response.raise_for_status()
                if round_index >= warmup:
                    samples[request.label].append(elapsed)
    return {label: summarize(values) for label, values in samples.items()}

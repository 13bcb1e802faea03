"""Run `creatives serve` or `creatives collect` as a subprocess on a free 127.0.0.1 port."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import TEST_SECRET

CREATIVES = str(Path(sys.executable).with_name("creatives"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(
    command: list[str], database_url: str, port: int, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JWT_SECRET_KEY": TEST_SECRET,
        "LOG_LEVEL": "WARNING",
        **env,
    }
    with log.open("ab") as output:
        process = subprocess.Popen(
            [CREATIVES, *command, "--host", "127.0.0.1", "--port", str(port)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    wait_until_serving(process, port, log)
    return process


def wait_until_serving(
    process: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 30.0
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/pixel.js", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not answer within {timeout} s:\n{log.read_text()}")


@contextmanager
def running_server(
    command: list[str], database_url: str, env: dict[str, str], log: Path
) -> Iterator[str]:
    """Yield the base URL of a server that is stopped with SIGTERM on exit."""
    port = free_port()
    process = start_server(command, database_url, port, env, log)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

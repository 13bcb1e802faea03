"""`npm run e2e:perf` in Debian's Chromium: the dashboard's grid with 5,000 creatives."""

import json
import os
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.machine import LoadRange, LoadSampler

# The test itself gives up after a few minutes at most; this only stops a hung browser.
TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class BrowserTimes:
    """Milliseconds of each run of one browser measurement."""

    runs: tuple[float, ...]

    @property
    def fastest(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


@dataclass(frozen=True)
class BrowserResult:
    """The figures of `npm run e2e:perf`, or why it gave none."""

    rows: int
    budget_ms: float
    render: BrowserTimes | None
    sort: BrowserTimes | None
    load_average: LoadRange
    error: str | None = None


def run(base_url: str, frontend: Path, rows: int, budget_ms: float) -> BrowserResult:
    """Run the browser timing test against the server at `base_url`.

    `rows` and `budget_ms` are the test's own constants, used for the page when it gives no
    figures. A test over its budget exits with an error but still writes its figures.
    """
    with tempfile.TemporaryDirectory(prefix="creatives-bench-browser-") as folder:
        output = Path(folder) / "figures.json"
        environment = {
            **os.environ,
            "E2E_BASE_URL": base_url,
            "E2E_PERF_OUTPUT": str(output),
        }
        with LoadSampler() as load:
            try:
                completed = subprocess.run(
                    ["npm", "run", "e2e:perf"],
                    cwd=frontend,
                    env=environment,
                    capture_output=True,
                    text=True,
                    timeout=TIMEOUT_SECONDS,
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                return BrowserResult(
                    rows, budget_ms, None, None, load.range(), str(error)
                )
        if not output.exists():
            lines = (completed.stdout + completed.stderr).strip().splitlines()
            message = " ".join(line.strip() for line in lines[-5:])
            return BrowserResult(
                rows,
                budget_ms,
                None,
                None,
                load.range(),
                f"`npm run e2e:perf` exited with code {completed.returncode} and wrote "
                f"no figures: {message}",
            )
        figures = json.loads(output.read_text())
    return BrowserResult(
        rows=int(figures["rows"]),
        budget_ms=float(figures["budget_ms"]),
        render=BrowserTimes(tuple(float(value) for value in figures["render_ms"])),
        sort=BrowserTimes(tuple(float(value) for value in figures["sort_ms"])),
        load_average=load.range(),
    )

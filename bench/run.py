"""`make bench`: build the datasets, time the API and the baselines, write docs/benchmarks.md."""

import argparse
import os
import time
from datetime import date, timedelta
from pathlib import Path

from bench import baselines, browser_perf, http_timing, report
from bench.datasets import SCALES, Dataset, prepare, server
from bench.report import ScaleResult
from bench.stats import Timing
from creatives.demo.generator import DEMO_END_DATE

REPOSITORY = Path(__file__).resolve().parent.parent
FRONTEND = REPOSITORY / "frontend"
CUSTOMER = "23"
EVENT = "order_completed"
RANGE_DAYS = (7, 90, 365)
WARMUP = 5
REPEATS = 30
ORIGINAL_REPEATS = 5
# Requests of each kind sent in a row to read their CPU time from /proc.
CPU_REPEATS = 50
# The constants of frontend/e2e/performance.test.mjs, for a page without its figures.
BROWSER_ROWS = 5000
BROWSER_BUDGET_MS = 300.0


def range_label(days: int) -> str:
    return f"{days} days"


def date_range(days: int) -> tuple[date, date]:
    return DEMO_END_DATE - timedelta(days=days - 1), DEMO_END_DATE


def _requests() -> list[http_timing.Request]:
    requests = []
    for days in RANGE_DAYS:
        start, end = date_range(days)
        requests.append(
            http_timing.Request(
                range_label(days),
                f"/api/customer/{CUSTOMER}/creatives/{EVENT}/metrics",
                {"start_date": start.isoformat(), "end_date": end.isoformat()},
            )
        )
    requests.append(
        http_timing.Request(
            "filter options", f"/api/customer/{CUSTOMER}/creatives/filter-options", {}
        )
    )
    return requests


def _baselines(
    dataset: Dataset, results: Path
) -> tuple[dict[str, Timing], dict[str, Timing], dict[str, Timing]]:
    original = {}
    facts_query = {}
    duck_timings = {}
    duck = baselines.load_duckdb(dataset.url, CUSTOMER, results / "duckdb")
    for days in RANGE_DAYS:
        start, end = date_range(days)
        label = range_label(days)
        print(f"  original SQL, {label} ...", flush=True)
        original[label] = baselines.time_original(
            dataset.url, CUSTOMER, EVENT, start, end, ORIGINAL_REPEATS
        )
        facts_query[label] = baselines.time_facts_query(
            dataset.url, CUSTOMER, EVENT, start, end, ORIGINAL_REPEATS
        )
        duck_timings[label] = baselines.time_duckdb(
            duck, EVENT, start, end, WARMUP, REPEATS
        )
    duck.close()
    return original, facts_query, duck_timings


def run_scale(
    server_url: str, name: str, results: Path, rebuild: bool, browser: bool
) -> tuple[ScaleResult, browser_perf.BrowserResult | None]:
    """Build or reuse the scale's dataset and time it; with `browser`, run the browser test
    against the same server after the API timings."""
    dataset = prepare(server_url, SCALES[name], results, rebuild)
    print(f"Timing the API on the {name} dataset ...", flush=True)
    browser_result = None
    server_log = results / f"serve-{name}.log"
    with http_timing.serve(dataset.url, FRONTEND / "dist", server_log) as served:
        endpoint, load_average = http_timing.time_requests(
            served.base_url, _requests(), WARMUP, REPEATS
        )
        print(f"  CPU time per request on the {name} dataset ...", flush=True)
        cpu = http_timing.cpu_per_request(served, dataset.url, _requests(), CPU_REPEATS)
        if browser:
            print("Timing the dashboard grid in Chromium ...", flush=True)
            browser_result = browser_perf.run(
                served.base_url, FRONTEND, BROWSER_ROWS, BROWSER_BUDGET_MS
            )
    original, facts_query, duck = _baselines(dataset, results)
    return (
        ScaleResult(dataset, endpoint, original, facts_query, duck, load_average, cpu),
        browser_result,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--scales",
        nargs="+",
        choices=sorted(SCALES),
        default=["small", "large"],
        help="Datasets to build and time.",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="Build the datasets again even when a previous run left them.",
    )
    parser.add_argument(
        "--output", type=Path, default=REPOSITORY / "docs" / "benchmarks.md"
    )
    arguments = parser.parse_args()

    results = REPOSITORY / "bench-results"
    results.mkdir(exist_ok=True)
    started = time.perf_counter()
    load_before = os.getloadavg()
    outcome = {}
    browser = None
    with server(results) as server_url:
        for name in arguments.scales:
            # The grid's rows are synthetic, so one scale's server is enough for it.
            outcome[name], found = run_scale(
                server_url, name, results, arguments.rebuild, browser=browser is None
            )
            browser = browser or found
        machine = report.machine(next(iter(outcome.values())).dataset.url)
    machine["load average before"] = " ".join(f"{value:.2f}" for value in load_before)
    machine["load average after"] = " ".join(
        f"{value:.2f}" for value in os.getloadavg()
    )
    seconds = time.perf_counter() - started
    text = report.render(outcome, machine, seconds, arguments.scales, browser)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(text)
    print(text)
    print(f"Wrote {arguments.output}")


if __name__ == "__main__":
    main()

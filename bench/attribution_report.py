"""The attribution benchmark page: dataset, machine, the timed runs, their checks and targets."""

import textwrap
from typing import TYPE_CHECKING

from bench.attribution_data import (
    CUSTOMER,
    PAID_SHARE,
    TIME_ZONE,
    Shape,
)

if TYPE_CHECKING:
    from bench.attribution_bench import Run

FULL_TARGET_SECONDS = 60.0
INCREMENTAL_TARGET_SECONDS = 2.0


WHERE_THE_TIME_GOES = [
    textwrap.fill(
        "Per-statement timings of the same dataset, taken apart from this page's runs, show "
        "three kinds of cost in a full run. The steps that grow with the events: copying them "
        "into the staging table, one sort of them by session and one along each client's "
        "timeline. At 10 million events each sort is estimated at about 2 GB, beyond "
        "`work_mem` (1 GB), so it spills to disk. The steps that grow with ads times days: "
        "writing the daily rows (one per ad, day and event, because spend repeats on each "
        "event's row) and rebuilding the running totals (`refresh_derived`, one row per ad, "
        "event and day after the ad's first fact). A rerun writes nothing, so its time is the "
        "computation alone.",
        88,
    ),
    "",
    textwrap.fill(
        "An incremental run stages the new days and, for their clients only, the 30 days "
        "before. It reads those clients' first visit and first purchase from the "
        "`client_first_events` table, which the integration keeps up to date, in about "
        "0.3 s. Until that table existed, this step scanned every event of the customer "
        "(5.4 s in EXPLAIN ANALYZE at 10 million events, load average 3.2). The rest of an "
        "incremental run is spread over many steps of 0.1 to 0.3 s each: staging the "
        "events and the spend, the session and timeline sorts, writing the daily rows and "
        "the running totals.",
        88,
    ),
    "",
]


def _runs_table(runs: list["Run"]) -> list[str]:
    lines = [
        "| run | wall time (s) | inside the command (s) | load average before "
        "| daily rows | conversion rows | checks | rows identical to the run before |",
        "|---|---:|---:|---|---:|---:|---|---|",
    ]
    for run in runs:
        checks = run.checks
        state = "passed" if checks and checks.passed else "**failed**"
        lines.append(
            f"| {run.name} | {run.seconds:.2f} | {run.engine_seconds:.2f} | {run.load_average} "
            f"| {checks.fact_rows if checks else 0:,} | {checks.conversion_rows if checks else 0:,} "
            f"| {state} | {run.same_as} |"
        )
    return [*lines, ""]


def _targets(runs: list["Run"]) -> list[str]:
    by_name = {run.name: run for run in runs}
    full = by_name["full"].engine_seconds
    incremental = by_name["incremental"].engine_seconds
    rows = [
        ("full integration, inside the command", full, FULL_TARGET_SECONDS),
        (
            "incremental run, inside the command",
            incremental,
            INCREMENTAL_TARGET_SECONDS,
        ),
    ]
    lines = ["| target | measured (s) | limit (s) | met |", "|---|---:|---:|---|"]
    for name, measured, limit in rows:
        met = "yes" if measured < limit else "**no**"
        lines.append(f"| {name} | {measured:.2f} | < {limit:.0f} | {met} |")
    return [*lines, ""]


def _failures(runs: list["Run"]) -> list[str]:
    lines = []
    for run in runs:
        if run.checks and not run.checks.passed:
            lines.append(f"- {run.name}: " + "; ".join(run.checks.failures))
    return ["Failed checks:", "", *lines, ""] if lines else []


def render(
    shape: Shape, runs: list["Run"], machine: dict[str, str], facts: dict[str, object]
) -> str:
    commands = "\n".join(f"- {run.name}: `{run.command}`" for run in runs)
    first = runs[0].checks
    events = f"{first.events:,}" if first else "?"
    purchases = f"{first.purchases:,}" if first else "?"
    lines = [
        "# Attribution benchmarks",
        "",
        "Written by `make bench-attribution` (`bench/attribution_bench.py`); every figure",
        "below comes from one run. Each run is the real `creatives integrate` command, timed",
        "from process start to exit (wall time) and by the command itself (the transaction,",
        "which the targets use). The difference is the start of the command: Python imports",
        "and the migration check, a few seconds of CPU.",
        "",
        "## Dataset",
        "",
        f"Customer `{CUSTOMER}` in {TIME_ZONE}: {shape.events:,} pixel events generated in SQL",
        f"over {shape.days} days ending {shape.end_day}, {shape.ads:,} ads with daily spend",
        f"(flights of 20 to 120 days), {PAID_SHARE:.0%} of the sessions landing from an ad that",
        "ran that day, returning visitors 4 hours to 6 days apart, 1 % bot sessions, 5 % of",
        f"the purchases in USD. {events} human events, {purchases} purchases. Generating took",
        f"{float(str(facts['generate_seconds'])):.0f} s.",
        "",
        f"The appended day: {facts['appended']:,} events received at once, most dated",
        f"{shape.new_day} and a share dated the day before (late arrivals). The incremental",
        f"run covers the days the scheduler picks for them: {facts['incremental_days']}.",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in machine.items()),
        "",
        "## Runs",
        "",
        *_runs_table(runs),
        "Commands:",
        "",
        commands,
        "",
        "## Targets",
        "",
        *_targets(runs),
        *_failures(runs),
        "## Checks",
        "",
        "After every run, the page compares what the integration wrote with figures computed",
        "from the raw events: the number of human events, the purchase value converted at",
        "the day's rate, the paid sessions (page views carrying the ad parameter in their",
        "address), the imported spend, and, for the 1-, 7- and 30-day windows, attributed",
        "plus unattributed value against the actual value. The rerun must write exactly the",
        "rows of the first run, and the full run after the append exactly the rows of the",
        "incremental run (order-free hashes of every row of the daily facts, unattributed",
        "totals, attributed conversions and running totals).",
        "",
        "## Where the time goes",
        "",
        *WHERE_THE_TIME_GOES,
        "## Reproduce",
        "",
        "```bash",
        "make bench-attribution                   # 10 million events",
        "make bench-attribution EVENTS=1000000    # a quick run",
        "make bench-attribution BENCH_ARGS=--rebuild",
        "```",
        "",
        "The events are generated once per size into the database `creatives_bench_attribution`",
        "of an embedded PostgreSQL under `bench-results/`, or of `DATABASE_URL`'s server when",
        "that is set, and reused by later runs of the same size on the same day.",
        "",
    ]
    return "\n".join(lines)

"""The benchmark page: machine, datasets, timings and each target with its ratio."""

import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import psycopg

from bench.browser_perf import BrowserResult, BrowserTimes
from bench.datasets import Dataset
from bench.http_timing import CpuPerRequest
from bench.machine import LoadRange
from bench.stats import Timing


@dataclass(frozen=True)
class ScaleResult:
    dataset: Dataset
    endpoint: dict[str, Timing]
    original: dict[str, Timing]
    facts_query: dict[str, Timing]
    duckdb: dict[str, Timing]
    # 1-minute load average while the API requests were timed.
    load_average: LoadRange
    # CPU time per request of each kind, or None when it could not be read.
    cpu: dict[str, CpuPerRequest] | None


@dataclass(frozen=True)
class Target:
    name: str
    measured: str
    limit: str
    met: bool
    # Why the target was not met, from the run's own figures; None for a met target.
    reason: str | None = None


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            kilobytes = int(line.split()[1])
            return f"{kilobytes / 1024 / 1024:.1f} GiB"
    return "unknown"


def machine(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        settings = conn.execute(
            "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ') "
            "FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'max_wal_size')"
        ).fetchone()
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": _memory(),
        "PostgreSQL": str(row[0]) if row else "unknown",
        "PostgreSQL settings": str(settings[0]) if settings else "unknown",
        "Python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _ms(timing: Timing) -> str:
    return f"{timing.p50:.1f}"


def _cpu_note(dataset: Dataset) -> str:
    if dataset.load_cpu_seconds is None:
        return ""
    return f" ({dataset.load_cpu_seconds:.0f} s of CPU in PostgreSQL and the command)"


def _build_note(dataset: Dataset) -> str:
    load = (
        f", at a 1-minute load average of {dataset.load_average.text()}"
        if dataset.load_average
        else ""
    )
    when = f" on {dataset.built_at}" if dataset.built_at else ""
    if dataset.reused:
        built = when or " by an earlier run"
        return f"; this run reused the dataset, built{built}{load}"
    return f"; built in this run{when}{load}"


def _cpu_cells(result: ScaleResult, label: str) -> str:
    cpu = result.cpu.get(label) if result.cpu else None
    if cpu is None:
        return "- | - | -"
    return f"{cpu.server_ms:.1f} | {cpu.database_ms:.1f} | {cpu.waiting_ms:.1f}"


def _timing_table(name: str, result: ScaleResult) -> list[str]:
    dataset = result.dataset
    lines = [
        f"### {name}: {dataset.fact_rows:,} fact rows",
        "",
        f"{dataset.scale.customers} customers x {dataset.scale.ads:,} ads x "
        f"{dataset.scale.days} days x {dataset.scale.events} events; "
        f"{dataset.derived_rows:,} rows of running totals; "
        f"`creatives demo --facts-only` took {dataset.load_seconds:.1f} s"
        f"{_cpu_note(dataset)}{_build_note(dataset)}. "
        f"1-minute load average while the API was timed: {result.load_average.text()}.",
        "",
        "| request | API p50 (ms) | API p95 (ms) | server CPU (ms) "
        "| PostgreSQL CPU (ms) | waiting for a CPU (ms) | original SQL p50 (ms) "
        "| facts SQL p50 (ms) | DuckDB p50 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, timing in result.endpoint.items():
        baselines = [
            result.original.get(label),
            result.facts_query.get(label),
            result.duckdb.get(label),
        ]
        cells = " | ".join(_ms(item) if item else "-" for item in baselines)
        lines.append(
            f"| {label} | {_ms(timing)} | {timing.p95:.1f} | "
            f"{_cpu_cells(result, label)} | {cells} |"
        )
    return [*lines, ""]


def _browser_section(browser: BrowserResult) -> list[str]:
    lines = [
        f"### browser: {browser.rows:,} creatives in Chromium",
        "",
        f"`npm run e2e:perf`; 1-minute load average while it ran: "
        f"{browser.load_average.text()}.",
        "",
    ]
    if browser.render is None or browser.sort is None:
        return [*lines, f"No figures: {browser.error}", ""]
    lines += [
        "| measurement | fastest (ms) | median (ms) | runs |",
        "|---|---:|---:|---:|",
    ]
    for label, times in (
        ("rows on screen after the response", browser.render),
        ("re-sorted by spend after a click", browser.sort),
    ):
        lines.append(
            f"| {label} | {times.fastest:.0f} | {times.median:.0f} | {len(times.runs)} |"
        )
    return [*lines, ""]


# Reasons for unmet targets. Each one gives the figures of the same run that bear on the
# target, and states as fact only what those figures or docs/performance.md show.


def _load_sentence(load: LoadRange, cores: int, during: str) -> str:
    return (
        f"The 1-minute load average was {load.text()} on {cores} cores while {during}."
    )


def _cpu_sentence(
    result: ScaleResult, label: str, p50: float, allowed_ms: float | None
) -> str:
    """Split a request's time into CPU time and waiting, and compare with `allowed_ms`."""
    cpu = result.cpu.get(label) if result.cpu else None
    if cpu is None:
        return (
            "The CPU time per request was not measured, because the server's processes "
            "could not be read from /proc on this machine."
        )
    text = (
        f"In the second pass ({cpu.requests} requests for {label} in a row), a request "
        f"took {cpu.wall_ms:.1f} ms on average: {cpu.server_ms:.1f} ms on a CPU in the "
        f"server process, {cpu.database_ms:.1f} ms in PostgreSQL, "
        f"{cpu.client_ms:.1f} ms in the client, and {cpu.waiting_ms:.1f} ms in which "
        "they were ready to run but waited for a CPU."
    )
    if allowed_ms is None:
        return text
    if cpu.total_ms > allowed_ms:
        return (
            f"{text} The CPU time of the server and PostgreSQL alone, "
            f"{cpu.total_ms:.1f} ms per request, is more than the {allowed_ms:.1f} ms "
            "the target allows."
        )
    return (
        f"{text} The {cpu.total_ms:.1f} ms of CPU time in the server and PostgreSQL fit "
        f"in the {allowed_ms:.1f} ms the target allows; the other "
        f"{max(p50 - cpu.total_ms, 0.0):.1f} ms of the p50 are not their CPU time."
    )


def _latency_reason(
    result: ScaleResult, label: str, limit_ms: float, cores: int
) -> str:
    api = result.endpoint[label]
    duck = result.duckdb[label].p50
    parts = [
        f"The p50 was {api.p50:.1f} ms and the p95 {api.p95:.1f} ms over "
        f"{api.count} requests.",
        _load_sentence(result.load_average, cores, "they were timed"),
        _cpu_sentence(result, label, api.p50, limit_ms),
        f"In the same run DuckDB computed the aggregate alone, in process, in "
        f"{duck:.1f} ms, and the facts SQL took {result.facts_query[label].p50:.1f} ms.",
    ]
    if duck > limit_ms:
        parts.append(
            f"The DuckDB reference itself was above {limit_ms:.0f} ms on this machine "
            "during this run."
        )
    return " ".join(parts)


def _speedup_reason(result: ScaleResult, label: str, minimum: float, cores: int) -> str:
    api = result.endpoint[label].p50
    original = result.original[label]
    runs = "one run" if original.count == 1 else f"p50 of {original.count} runs"
    allowed = original.p50 / minimum
    return " ".join(
        [
            f"The original SQL took {original.p50:.1f} ms ({runs}) and the API "
            f"{api:.1f} ms, so {minimum:.0f}x needs an API p50 of at most "
            f"{allowed:.1f} ms.",
            _load_sentence(result.load_average, cores, "the API was timed"),
            _cpu_sentence(result, label, api, allowed),
        ]
    )


def _duckdb_reason(result: ScaleResult, label: str, maximum: float, cores: int) -> str:
    api = result.endpoint[label].p50
    duck = result.duckdb[label].p50
    allowed = duck * maximum
    return " ".join(
        [
            f"The API p50 was {api:.1f} ms and DuckDB's {duck:.1f} ms, so "
            f"{maximum:.0f}x needs an API p50 of at most {allowed:.1f} ms.",
            "DuckDB's figure is the aggregate alone, in process; the API's includes "
            "HTTP, the request's other statements and its JSON (see Reading the figures).",
            _load_sentence(result.load_average, cores, "the API was timed"),
            _cpu_sentence(result, label, api, allowed),
        ]
    )


def _pass_summary(result: ScaleResult, label: str) -> str | None:
    cpu = result.cpu.get(label) if result.cpu else None
    if cpu is None:
        return None
    return (
        f"{cpu.total_ms:.1f} ms of CPU in the server and PostgreSQL and "
        f"{cpu.waiting_ms:.1f} ms waiting for a CPU (mean {cpu.wall_ms:.1f} ms)"
    )


def _growth_reason(result: ScaleResult, cores: int) -> str:
    long, short = result.endpoint["365 days"].p50, result.endpoint["7 days"].p50
    parts = [
        f"The 365-day p50 was {long:.1f} ms and the 7-day p50 {short:.1f} ms.",
        "The metrics query reads two days of running totals whatever the range "
        "(docs/performance.md).",
        _load_sentence(result.load_average, cores, "the API was timed"),
    ]
    long_pass = _pass_summary(result, "365 days")
    short_pass = _pass_summary(result, "7 days")
    if long_pass and short_pass:
        parts.append(
            f"In the second pass a 365-day request took {long_pass}, a 7-day one "
            f"{short_pass}."
        )
    return " ".join(parts)


def _scale_growth_reason(
    small: ScaleResult, large: ScaleResult, label: str, cores: int
) -> str:
    parts = [
        f"The {label} p50 was {large.endpoint[label].p50:.1f} ms on the large "
        f"dataset and {small.endpoint[label].p50:.1f} ms on the small one.",
        "The largest customer has the same shape at both scales, and the metrics query "
        "reads two of its days of running totals (docs/performance.md).",
        f"The 1-minute load average while the API was timed was "
        f"{large.load_average.text()} on the large dataset and "
        f"{small.load_average.text()} on the small one, on {cores} cores.",
    ]
    large_pass, small_pass = _pass_summary(large, label), _pass_summary(small, label)
    if large_pass and small_pass:
        parts.append(
            f"In the second pass a request took {large_pass} on the large dataset and "
            f"{small_pass} on the small one."
        )
    return " ".join(parts)


def _filter_options_reason(result: ScaleResult, limit_ms: float, cores: int) -> str:
    api = result.endpoint["filter options"]
    return " ".join(
        [
            f"The p50 was {api.p50:.1f} ms and the p95 {api.p95:.1f} ms over "
            f"{api.count} requests. The filter options read the customer's rows of "
            "`creatives.event_day_range` (docs/performance.md).",
            _load_sentence(result.load_average, cores, "the API was timed"),
            _cpu_sentence(result, "filter options", api.p50, limit_ms),
        ]
    )


def _load_reason(dataset: Dataset, limit_seconds: float, cores: int) -> str:
    built = f"on {dataset.built_at}" if dataset.built_at else "by an earlier run"
    when = (
        f"this run reused a dataset built {built}, so these figures are from that build"
        if dataset.reused
        else "the dataset was built in this run"
    )
    parts = [f"The load took {dataset.load_seconds:.1f} s of wall time; {when}."]
    if dataset.load_average is not None:
        parts.append(_load_sentence(dataset.load_average, cores, "it ran"))
    cpu = dataset.load_cpu_seconds
    if cpu is None:
        parts.append(
            "Its CPU time was not measured, because the PostgreSQL server's processes "
            "could not be read on this machine."
        )
        return " ".join(parts)
    shortest = cpu / cores
    parts.append(f"It used {cpu:.0f} s of CPU in PostgreSQL and the command.")
    if shortest >= limit_seconds:
        parts.append(
            f"At that CPU cost, {cores} cores need at least {shortest:.0f} s even if the "
            f"load alone keeps all of them busy, more than the {limit_seconds:.0f} s "
            "limit."
        )
    elif cpu >= limit_seconds:
        parts.append(
            f"At that CPU cost, {cores} cores need at least {shortest:.0f} s if the load "
            f"alone keeps all of them busy, so under {limit_seconds:.0f} s leaves little "
            "room for other processes."
        )
    else:
        parts.append(
            f"That CPU time fits within {limit_seconds:.0f} s of one core; the other "
            f"{dataset.load_seconds - cpu:.0f} s of wall time are not CPU time of "
            "PostgreSQL or the command."
        )
    parts.append(
        "docs/performance.md splits this cost into generating the facts and "
        "refreshing the running totals."
    )
    return " ".join(parts)


def _browser_reason(
    browser: BrowserResult, times: BrowserTimes | None, cores: int
) -> str:
    load = _load_sentence(browser.load_average, cores, "the browser test ran")
    if times is None:
        return f"The browser test gave no figures: {browser.error} {load}"
    return (
        f"The fastest of {len(times.runs)} runs took {times.fastest:.0f} ms and the "
        f"median {times.median:.0f} ms; the runs took "
        f"{', '.join(f'{value:.0f}' for value in times.runs)} ms. {load}"
    )


API_LIMIT_MS = 15.0
MIN_SPEEDUP = 40.0
MAX_DUCKDB_RATIO = 2.0
MAX_RANGE_GROWTH = 1.5
MAX_SCALE_GROWTH = 1.5
FILTER_OPTIONS_LIMIT_MS = 10.0
LOAD_LIMIT_SECONDS = 60.0


def _target(
    name: str, measured: str, limit: str, met: bool, reason: Callable[[], str]
) -> Target:
    return Target(name, measured, limit, met, None if met else reason())


def _targets_of_scale(name: str, result: ScaleResult, cores: int) -> list[Target]:
    api = result.endpoint
    targets = []
    for label in ("90 days", "365 days"):
        targets.append(
            _target(
                f"{name}: API p50, {label}",
                f"{api[label].p50:.1f} ms",
                f"≤ {API_LIMIT_MS:.0f} ms",
                api[label].p50 <= API_LIMIT_MS,
                partial(_latency_reason, result, label, API_LIMIT_MS, cores),
            )
        )
    for label in ("7 days", "90 days", "365 days"):
        speedup = result.original[label].p50 / api[label].p50
        targets.append(
            _target(
                f"{name}: original SQL / API, {label}",
                f"{speedup:.0f}x",
                f"≥ {MIN_SPEEDUP:.0f}x",
                speedup >= MIN_SPEEDUP,
                partial(_speedup_reason, result, label, MIN_SPEEDUP, cores),
            )
        )
        versus_duckdb = api[label].p50 / result.duckdb[label].p50
        targets.append(
            _target(
                f"{name}: API / DuckDB, {label}",
                f"{versus_duckdb:.2f}x",
                f"≤ {MAX_DUCKDB_RATIO:.0f}x",
                versus_duckdb <= MAX_DUCKDB_RATIO,
                partial(_duckdb_reason, result, label, MAX_DUCKDB_RATIO, cores),
            )
        )
    growth = api["365 days"].p50 / api["7 days"].p50
    targets.append(
        _target(
            f"{name}: API 365 days / 7 days",
            f"{growth:.2f}x",
            f"≤ {MAX_RANGE_GROWTH}x",
            growth <= MAX_RANGE_GROWTH,
            partial(_growth_reason, result, cores),
        )
    )
    filter_options = api["filter options"].p50
    targets.append(
        _target(
            f"{name}: filter options p50",
            f"{filter_options:.1f} ms",
            f"≤ {FILTER_OPTIONS_LIMIT_MS:.0f} ms",
            filter_options <= FILTER_OPTIONS_LIMIT_MS,
            partial(_filter_options_reason, result, FILTER_OPTIONS_LIMIT_MS, cores),
        )
    )
    return targets


def _browser_targets(browser: BrowserResult, cores: int) -> list[Target]:
    found = []
    for label, times in (
        (f"render {browser.rows:,} creatives", browser.render),
        (f"sort {browser.rows:,} creatives by spend", browser.sort),
    ):
        fastest = times.fastest if times else None
        found.append(
            _target(
                f"browser: {label}, fastest run",
                f"{fastest:.0f} ms" if fastest is not None else "not measured",
                f"< {browser.budget_ms:.0f} ms",
                fastest is not None and fastest < browser.budget_ms,
                partial(_browser_reason, browser, times, cores),
            )
        )
    return found


def targets(
    outcome: dict[str, ScaleResult], browser: BrowserResult | None, cores: int
) -> list[Target]:
    """Return every target this run measured, with a reason for each one it missed."""
    found = [
        t
        for name, result in outcome.items()
        for t in _targets_of_scale(name, result, cores)
    ]
    if "small" in outcome:
        dataset = outcome["small"].dataset
        found.append(
            _target(
                "small: `creatives demo --facts-only` load",
                f"{dataset.load_seconds:.1f} s",
                f"< {LOAD_LIMIT_SECONDS:.0f} s",
                dataset.load_seconds < LOAD_LIMIT_SECONDS,
                partial(_load_reason, dataset, LOAD_LIMIT_SECONDS, cores),
            )
        )
    if "small" in outcome and "large" in outcome:
        small, large = outcome["small"], outcome["large"]
        for label in ("90 days", "365 days"):
            ratio = large.endpoint[label].p50 / small.endpoint[label].p50
            found.append(
                _target(
                    f"large / small API p50, {label}",
                    f"{ratio:.2f}x",
                    f"≤ {MAX_SCALE_GROWTH}x",
                    ratio <= MAX_SCALE_GROWTH,
                    partial(_scale_growth_reason, small, large, label, cores),
                )
            )
    if browser is not None:
        found += _browser_targets(browser, cores)
    return found


def _target_table(found: list[Target]) -> list[str]:
    lines = ["| target | measured | limit | met |", "|---|---:|---:|---|"]
    for target in found:
        lines.append(
            f"| {target.name} | {target.measured} | {target.limit} | "
            f"{'yes' if target.met else '**no**'} |"
        )
    return [*lines, ""]


def _reasons(found: list[Target]) -> list[str]:
    missed = [target for target in found if not target.met]
    if not missed:
        return ["Every target was met in this run.", ""]
    lines = ["## Why targets are not met", ""]
    for target in missed:
        lines += [
            f"- **{target.name}**: {target.measured}, limit {target.limit}. "
            f"{target.reason}",
        ]
    return [*lines, ""]


NOTES = """\
## Reading the figures

- The machine is shared: other processes ran on the same cores during the run. A load
  average equal to the number of cores means every core was busy. The page gives the
  1-minute load average before and after the run, and its lowest and highest value while
  each part ran (sampled every few seconds); it counts the benchmark's own processes too.
  Absolute times (API latency, DuckDB, load time, the browser) grow with that load. Ratios
  between figures of the same run are the comparable numbers.
- The original SQL joins the facts to `dim_combined_creative` on `ad_id` alone. The demo
  writes one creative row per ad and day of its flight (up to 365 per ad), so each fact row
  is multiplied up to 365 times; real exports have 5 to 50 rows per ad. The "facts SQL"
  column is the corrected query over the fact table that this design replaced, with no
  fan-out, and is the fairer baseline. A baseline query whose first run takes more than
  2 s is timed by that one run only.
- An API request does more than the aggregate: it checks the token, reads the user and
  the customer membership, sets the statement timeout, reads the customer's events, runs
  the metrics query (two one-day index scans of the ads' running totals merged by ad,
  grouping into creatives, totals, sort and page), reads the unattributed totals,
  computes the Decimal ratios of the page rows in Python, and serializes one page of JSON.
- The CPU columns come from a second pass after the timed rounds: 50 requests of each kind
  in a row, with the time on a CPU of the server process, of its PostgreSQL connections
  and of the client read from `/proc/PID/task/*/schedstat` before and after. "Waiting for
  a CPU" is the time these three were ready to run but had no CPU, summed over them. The
  figures are means per request. They can add up to more than a request's wall time,
  because the processes can run, or wait, at the same time on different cores.
- `creatives demo --facts-only` generates the facts, then rebuilds each customer's
  running totals (one statement per day: the day before plus that day's facts, inserted
  with their primary key and WAL) and the creative grouping, two customers at a time.
  The CPU time beside the load time depends less on the load of other processes than the
  wall time, but it is not independent of it: on a busy machine a process also runs slower
  while it has a core, for example because it shares the CPU caches. It counts PostgreSQL's backends and autovacuum workers that ended during
  the load, and the command itself. `docs/performance.md` splits both costs further. A run
  that reuses a dataset reports the load figures of the run that built it.
- The browser figures come from `npm run e2e:perf` in Debian's Chromium, against the
  server of the first scale timed. It replaces the metrics response with synthetic
  creatives and times, in the page's own clock, the rows on screen after the response was
  parsed and the re-sorted rows after a click on the Spend header. The target is checked
  on the fastest run, the page's own cost with the least interference from other
  processes.
"""


def _cores(machine_facts: dict[str, str]) -> int:
    cores = machine_facts.get("cores", "")
    return int(cores) if cores.isdigit() else 1


def render(
    outcome: dict[str, ScaleResult],
    machine_facts: dict[str, str],
    seconds: float,
    scales: list[str],
    browser: BrowserResult | None,
) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`); every figure below comes from one run,",
        "apart from the load figures of a dataset that the run reused (it says so).",
        "The API figures are end to end over HTTP: a real `creatives serve` on 127.0.0.1,",
        "one keep-alive client, 5 untimed rounds then 30 timed ones, each round sending every",
        "request once. Customer `23`",
        "(2,000 ads), event `order_completed`, 7-day attribution, ranges ending 2024-06-30,",
        "default sort and page size. The original SQL is the original system's query on the",
        "same database (1 untimed run, then 5 timed). DuckDB runs the corrected aggregate",
        "in-process over the same customer's rows, copied from PostgreSQL (5 untimed, 30 timed).",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in machine_facts.items()),
        f"- whole run: {seconds / 60:.1f} min",
        "",
        "## Timings",
        "",
    ]
    for name, result in outcome.items():
        lines += _timing_table(name, result)
    if browser is not None:
        lines += _browser_section(browser)
    found = targets(outcome, browser, _cores(machine_facts))
    lines += ["## Targets", "", *_target_table(found)]
    lines += _reasons(found)
    lines += [NOTES]
    lines += [
        "## Reproduce",
        "",
        "```bash",
        "make bench                                    # both scales",
        "make bench BENCH_SCALES=small                 # the 5-million-row scale only",
        "make bench BENCH_ARGS=--rebuild               # rebuild datasets a previous run left",
        "```",
        "",
        f'This run: `make bench BENCH_SCALES="{" ".join(scales)}"`.',
        "Datasets are built once per scale in their own database (`creatives_bench_small`,",
        "`creatives_bench_large`) of an embedded PostgreSQL under `bench-results/`, or of",
        "`DATABASE_URL`'s server when that is set, and reused by later runs.",
        "",
    ]
    return "\n".join(lines)

"""The benchmark page: each target missed in a run gets a reason from that run's figures,
and the measurements behind those reasons."""

import os
from dataclasses import replace
from pathlib import Path

from bench import browser_perf
from bench.browser_perf import BrowserResult, BrowserTimes
from bench.datasets import SCALES, Dataset
from bench.http_timing import CpuPerRequest
from bench.machine import LoadRange, scheduler_time
from bench.report import ScaleResult, Target, render, targets
from bench.stats import Timing

LABELS = ("7 days", "90 days", "365 days")
CORES = 2
MACHINE = {"CPU": "test CPU", "cores": str(CORES)}


def timing(p50: float, p95: float | None = None, count: int = 30) -> Timing:
    return Timing(p50=p50, p95=p95 if p95 is not None else p50 * 1.5, count=count)


def cpu(
    server_ms: float, database_ms: float, waiting_ms: float = 2.0, wall_ms: float = 20.0
) -> CpuPerRequest:
    return CpuPerRequest(
        server_ms,
        database_ms,
        client_ms=1.5,
        waiting_ms=waiting_ms,
        wall_ms=wall_ms,
        requests=50,
    )


def dataset(
    load_seconds: float = 40.0,
    load_cpu_seconds: float | None = 30.0,
    name: str = "small",
    reused: bool = False,
) -> Dataset:
    return Dataset(
        SCALES[name],
        "postgresql://127.0.0.1/unused",
        fact_rows=6_155_160,
        derived_rows=6_830_870,
        load_seconds=load_seconds,
        load_cpu_seconds=load_cpu_seconds,
        load_average=LoadRange(2.3, 3.4),
        built_at="2026-12-04 19:35 UTC",
        reused=reused,
    )


def scale_result(
    api_ms: float = 10.0,
    duckdb_ms: float = 8.0,
    cpu_ms: tuple[float, float] = (4.0, 3.0),
    **changes: object,
) -> ScaleResult:
    """A result that meets every target unless `changes` replace some of its figures."""
    endpoint = {label: timing(api_ms) for label in LABELS}
    endpoint["filter options"] = timing(5.0)
    result = ScaleResult(
        dataset=dataset(),
        endpoint=endpoint,
        original={label: timing(2000.0, count=5) for label in LABELS},
        facts_query={label: timing(114.5, count=5) for label in LABELS},
        duckdb={label: timing(duckdb_ms) for label in LABELS},
        load_average=LoadRange(4.0, 5.9),
        cpu={label: cpu(*cpu_ms) for label in [*LABELS, "filter options"]},
    )
    return replace(result, **changes)  # type: ignore[arg-type]


def browser(
    render_ms: tuple[float, ...] = (120.0, 150.0, 140.0),
    sort_ms: tuple[float, ...] = (90.0, 110.0, 100.0, 95.0, 130.0),
) -> BrowserResult:
    return BrowserResult(
        rows=5000,
        budget_ms=300.0,
        render=BrowserTimes(render_ms),
        sort=BrowserTimes(sort_ms),
        load_average=LoadRange(1.2, 1.8),
    )


def by_name(found: list[Target]) -> dict[str, Target]:
    return {target.name: target for target in found}


def reason_of(result: ScaleResult, name: str) -> str | None:
    """Return the reason of one target of a run that timed only the small scale."""
    return by_name(targets({"small": result}, None, CORES))[name].reason


def test_targets_all_met_have_no_reason() -> None:
    outcome = {"small": scale_result(), "large": scale_result()}

    found = targets(outcome, browser(), CORES)
    page = render(outcome, MACHINE, 60.0, ["small", "large"], browser())

    assert found
    assert all(target.met and target.reason is None for target in found)
    assert "Every target was met in this run." in page
    assert "## Why targets are not met" not in page


def test_latency_reason_cpu_over_limit() -> None:
    slow = scale_result(
        api_ms=32.0,
        duckdb_ms=25.4,
        cpu={label: cpu(9.8, 8.2, 6.1, 30.0) for label in [*LABELS, "filter options"]},
    )

    target = by_name(targets({"small": slow}, None, CORES))["small: API p50, 90 days"]

    assert not target.met
    assert target.reason is not None
    for figure in (
        "p50 was 32.0 ms",
        "p95 48.0 ms",
        "4.0 to 5.9",
        "took 30.0 ms on average",
        "9.8 ms on a CPU in the server process",
        "8.2 ms in PostgreSQL",
        "1.5 ms in the client",
        "6.1 ms in which they were ready to run but waited for a CPU",
        "The CPU time of the server and PostgreSQL alone, 18.0 ms per request, is "
        "more than the 15.0 ms the target allows",
        "in 25.4 ms",
        "facts SQL took 114.5 ms",
        "DuckDB reference itself was above 15 ms",
    ):
        assert figure in target.reason


def test_latency_reason_cpu_within_limit() -> None:
    waiting = scale_result(api_ms=30.0, duckdb_ms=12.0)

    reason = reason_of(waiting, "small: API p50, 365 days")

    assert reason is not None
    assert "The 7.0 ms of CPU time in the server and PostgreSQL fit" in reason
    assert "in the 15.0 ms the target allows" in reason
    assert "the other 23.0 ms of the p50 are not their CPU time" in reason
    assert "2.0 ms in which they were ready to run but waited" in reason
    assert "DuckDB reference itself" not in reason


def test_latency_reason_without_cpu_figures() -> None:
    remote = scale_result(api_ms=30.0, duckdb_ms=20.0, cpu=None)

    reason = reason_of(remote, "small: API p50, 90 days")

    assert reason is not None
    assert "CPU time per request was not measured" in reason


def test_ratio_reasons_give_allowed_api_time() -> None:
    result = scale_result(
        api_ms=20.0,
        duckdb_ms=5.0,
        original={label: timing(600.0, count=1) for label in LABELS},
    )

    found = by_name(targets({"small": result}, None, CORES))
    duckdb = found["small: API / DuckDB, 7 days"]
    speedup = found["small: original SQL / API, 7 days"]

    assert (duckdb.measured, duckdb.met) == ("4.00x", False)
    assert duckdb.reason is not None
    assert "DuckDB's 5.0 ms" in duckdb.reason
    assert "at most 10.0 ms" in duckdb.reason
    assert (speedup.measured, speedup.met) == ("30x", False)
    assert speedup.reason is not None
    assert "600.0 ms (one run)" in speedup.reason
    assert "at most 15.0 ms" in speedup.reason


def test_load_reason_cpu_over_limit() -> None:
    slow = scale_result(dataset=dataset(load_seconds=138.7, load_cpu_seconds=133.0))

    target = by_name(targets({"small": slow}, None, CORES))[
        "small: `creatives demo --facts-only` load"
    ]

    assert (target.measured, target.met) == ("138.7 s", False)
    assert target.reason is not None
    for figure in (
        "138.7 s of wall time",
        "built in this run",
        "2.3 to 3.4",
        "133 s of CPU",
        "2 cores need at least 66 s even if the load alone keeps all of them busy",
        "more than the 60 s limit",
    ):
        assert figure in target.reason


def test_load_reason_cpu_within_limit() -> None:
    waited = scale_result(
        dataset=dataset(load_seconds=90.0, load_cpu_seconds=50.0, reused=True)
    )

    reason = reason_of(waited, "small: `creatives demo --facts-only` load")

    assert reason is not None
    assert "reused a dataset built on 2026-12-04 19:35 UTC" in reason
    assert "fits within 60 s of one core" in reason
    assert "the other 40 s of wall time are not CPU time" in reason


def test_load_target_met_has_no_reason() -> None:
    target = by_name(targets({"small": scale_result()}, None, CORES))[
        "small: `creatives demo --facts-only` load"
    ]

    assert (target.met, target.reason) == (True, None)


def test_scale_growth_reason_both_scales() -> None:
    large = scale_result(
        api_ms=14.0, cpu_ms=(6.0, 4.0), load_average=LoadRange(7.0, 8.5)
    )
    found = by_name(targets({"small": scale_result(), "large": large}, None, CORES))

    target = found["large / small API p50, 90 days"]

    assert (target.measured, target.met) == ("1.40x", True)
    slower = replace(large, endpoint={**large.endpoint, "90 days": timing(16.0)})
    reason = by_name(targets({"small": scale_result(), "large": slower}, None, CORES))[
        "large / small API p50, 90 days"
    ].reason
    assert reason is not None
    for figure in (
        "16.0 ms on the large",
        "10.0 ms on the small",
        "7.0 to 8.5",
        "4.0 to 5.9",
        "took 10.0 ms of CPU in the server and PostgreSQL and 2.0 ms waiting for a "
        "CPU (mean 20.0 ms) on the large dataset and 7.0 ms of CPU",
    ):
        assert figure in reason


def test_browser_reason_slow_render_only() -> None:
    slow = browser(render_ms=(310.0, 420.0, 350.0))

    found = by_name(targets({"small": scale_result()}, slow, CORES))
    render_target = found["browser: render 5,000 creatives, fastest run"]
    sort_target = found["browser: sort 5,000 creatives by spend, fastest run"]

    assert (render_target.measured, render_target.met) == ("310 ms", False)
    assert render_target.reason is not None
    assert "fastest of 3 runs took 310 ms" in render_target.reason
    assert "median 350 ms" in render_target.reason
    assert "310, 420, 350 ms" in render_target.reason
    assert "1.2 to 1.8" in render_target.reason
    assert (sort_target.measured, sort_target.met, sort_target.reason) == (
        "90 ms",
        True,
        None,
    )


def test_browser_targets_without_figures() -> None:
    failed = BrowserResult(
        rows=5000,
        budget_ms=300.0,
        render=None,
        sort=None,
        load_average=LoadRange(1.0, 1.0),
        error="`npm run e2e:perf` exited with code 1 and wrote no figures: no Chromium",
    )

    found = targets({"small": scale_result()}, failed, CORES)
    browser_targets = [t for t in found if t.name.startswith("browser:")]

    assert len(browser_targets) == 2
    for target in browser_targets:
        assert (target.measured, target.met) == ("not measured", False)
        assert target.reason is not None
        assert "no Chromium" in target.reason


def test_render_lists_missed_targets() -> None:
    outcome = {"small": scale_result(dataset=dataset(138.7, 133.0))}

    page = render(outcome, MACHINE, 60.0, ["small"], browser())

    section = page.split("## Why targets are not met", 1)[1].split("## Reading", 1)[0]
    assert section.count("\n- **") == 1
    assert (
        "- **small: `creatives demo --facts-only` load**: 138.7 s, limit < 60 s."
        in section
    )
    assert (
        "| small: `creatives demo --facts-only` load | 138.7 s | < 60 s | **no** |"
        in page
    )
    assert (
        "| browser: render 5,000 creatives, fastest run | 120 ms | < 300 ms | yes |"
        in page
    )
    assert "Assessment" not in page


def test_load_range_text() -> None:
    assert LoadRange(4.04, 5.91).text() == "4.0 to 5.9"
    assert LoadRange(1.21, 1.24).text() == "1.2"


def test_browser_times_fastest_and_median() -> None:
    times = BrowserTimes((310.0, 420.0, 350.0))

    assert (times.fastest, times.median) == (310.0, 350.0)


def test_scheduler_time_of_this_process() -> None:
    own = scheduler_time(os.getpid())

    assert own is not None
    assert own.running > 0
    assert own.waiting >= 0


def test_browser_run_without_test_script(
    tmp_path: Path,
) -> None:
    (tmp_path / "package.json").write_text('{"name": "empty", "scripts": {}}')

    result = browser_perf.run("http://127.0.0.1:9", tmp_path, 5000, 300.0)

    assert (result.render, result.sort) == (None, None)
    assert result.error is not None
    assert "wrote no figures" in result.error


def test_load_reason_cpu_needs_both_cores() -> None:
    busy = scale_result(dataset=dataset(load_seconds=95.0, load_cpu_seconds=100.0))

    reason = reason_of(busy, "small: `creatives demo --facts-only` load")

    assert reason is not None
    assert (
        "2 cores need at least 50 s if the load alone keeps all of them busy" in reason
    )
    assert "leaves little room for other processes" in reason

"""Percentiles of timing samples."""

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Milliseconds over `count` samples."""

    p50: float
    p95: float
    count: int


def summarize(samples_seconds: list[float]) -> Timing:
    ordered = sorted(samples_seconds)
    # Nearest-rank p95: the smallest sample with at least 95 % of the samples at or below it.
    rank = max(0, -(-95 * len(ordered) // 100) - 1)
    return Timing(
        p50=statistics.median(ordered) * 1000,
        p95=ordered[rank] * 1000,
        count=len(ordered),
    )

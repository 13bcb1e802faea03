"""Prometheus metrics of the collector.

With several worker processes, set PROMETHEUS_MULTIPROC_DIR to an empty folder before the
workers start (`creatives collect` does); `/metrics` then sums the workers' files.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

EVENTS_ACCEPTED = Counter(
    "creatives_pixel_events_accepted_total",
    "Events committed to PostgreSQL, by source.",
    ["source"],
)
EVENTS_DROPPED = Counter(
    "creatives_pixel_events_dropped_total",
    "Events not stored, by reason (duplicates, validation, unknown site key, ...).",
    ["reason"],
)
BATCH_SIZE = Histogram(
    "creatives_pixel_batch_events",
    "Events written per flush of the batch writer.",
    buckets=(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000),
)
FLUSH_SECONDS = Histogram(
    "creatives_pixel_flush_seconds",
    "Duration of one flush (insert and commit), in seconds.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
REQUEST_SECONDS = Histogram(
    "creatives_pixel_request_seconds",
    "Time from request to answer on the collector endpoints, in seconds.",
    ["endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)


def render_metrics() -> tuple[bytes, str]:
    """Return the exposition text and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST

"""The responses of `GET /p.gif` and `POST /collect`, independent of the web framework.

The FastAPI routes (router.py) and the pure ASGI collector (fast_path.py) both call these
functions, so both apply the same checks and send the same status, headers and body.
"""

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from creatives.errors import AppError, PayloadTooLargeError, ValidationFailedError
from creatives.pixel.batcher import UNAVAILABLE_ERRORS, WriterUnavailableError
from creatives.pixel.metrics import REQUEST_SECONDS
from creatives.pixel.service import (
    Collector,
    CollectResult,
    RateLimitedError,
    RequestInfo,
)

MAX_BODY_BYTES = 64 * 1024
MAX_BATCH_EVENTS = 100
TRANSPARENT_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00"
    b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
NO_STORE = {"Cache-Control": "no-store"}
JSON = "application/json"

# Observing through a fixed child skips `labels()`, which locks and hashes on every call.
_GIF_SECONDS = REQUEST_SECONDS.labels("gif")
_COLLECT_SECONDS = REQUEST_SECONDS.labels("collect")


@dataclass(frozen=True, slots=True)
class Reply:
    """Status, body and headers of one response; `content_type` is sent as Content-Type."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def _json(document: object) -> bytes:
    # The separators and ensure_ascii of Starlette's JSONResponse, so both paths send equal bytes.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def error_reply(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Reply:
    """Build the API's error shape, {"error": {"code", "message"}}."""
    body = _json({"error": {"code": code, "message": message}})
    return Reply(status, body, JSON, headers or {})


def unavailable_reply(error: WriterUnavailableError) -> Reply:
    return error_reply(
        503,
        "service_unavailable",
        f"Events were not stored ({error.reason}). Retry with the same event ids.",
        {"Retry-After": str(error.retry_after), **NO_STORE},
    )


def rate_limited_reply(error: RateLimitedError) -> Reply:
    return error_reply(
        429, "rate_limited", str(error), {"Retry-After": "1", **NO_STORE}
    )


def cors_headers(origin: str | None) -> dict[str, str]:
    # Beacons ignore the response, but a fetch() fallback from a shop's origin may read it.
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {}


async def gif_reply(
    collector: Collector, event: dict[str, object], info: RequestInfo
) -> Reply:
    """Store the GIF's event; the reply is the image, or a 429 or 503 error."""
    started = time.perf_counter()
    try:
        collector.check_ip_rate(info.ip)
        result = await collector.collect([event], info, source="gif")
    except RateLimitedError as error:
        return rate_limited_reply(error)
    except WriterUnavailableError as error:
        return unavailable_reply(error)
    except UNAVAILABLE_ERRORS as error:
        # The site cache or the daily salt could not be read.
        return unavailable_reply(WriterUnavailableError(type(error).__name__, 5))
    _GIF_SECONDS.observe(time.perf_counter() - started)
    headers = {**NO_STORE, "X-Creatives-Result": result.outcome}
    return Reply(200, TRANSPARENT_GIF, "image/gif", headers)


def too_large(declared: str | None) -> PayloadTooLargeError | None:
    """Check a declared Content-Length, so a large body is rejected before it is read."""
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return PayloadTooLargeError(
            f"The body has {declared} bytes; at most {MAX_BODY_BYTES} are accepted. "
            "Send fewer events per request."
        )
    return None


def body_too_large() -> PayloadTooLargeError:
    return PayloadTooLargeError(
        f"The body is larger than {MAX_BODY_BYTES} bytes. Send fewer events per request."
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON number")


def parse_events(body: bytes) -> list[dict[str, object]]:
    """Parse one event object, an array of events, or {"site_key": ..., "events": [...]}."""
    try:
        # Decimal keeps 0.1 as 0.1; NaN and Infinity are not JSON and are rejected.
        document = json.loads(
            body, parse_float=Decimal, parse_constant=_reject_constant
        )
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationFailedError(f"The body is not valid JSON: {error}.") from error
    shared: dict[str, object] = {}
    if isinstance(document, dict) and "events" in document:
        shared = {"site_key": document.get("site_key")}
        document = document["events"]
    events = document if isinstance(document, list) else [document]
    if not events or not all(isinstance(event, dict) for event in events):
        raise ValidationFailedError(
            "Expected a JSON object (one event), an array of event objects, or "
            '{"site_key": ..., "events": [...]}.'
        )
    if len(events) > MAX_BATCH_EVENTS:
        raise ValidationFailedError(
            f"The batch has {len(events)} events; at most {MAX_BATCH_EVENTS} are accepted."
        )
    if shared:
        # An event's own site_key wins over the shared one.
        return [{**shared, **event} for event in events]
    return events


def collect_body(result: CollectResult) -> bytes:
    """Serialize a result as the CollectResponse schema (stored, duplicates, rejected)."""
    rejected = [
        {"index": r.index, "reason": r.reason, "message": r.message}
        for r in result.rejected
    ]
    return _json(
        {"stored": result.stored, "duplicates": result.duplicates, "rejected": rejected}
    )


async def collect_reply(
    collector: Collector,
    read_body: Callable[[], Awaitable[bytes]],
    info: RequestInfo,
) -> Reply:
    """Store a JSON event or batch; 200 means every stored or duplicate event is committed.

    `read_body` raises PayloadTooLargeError past 64 KB. The IP limit is checked before the
    body is read, so a limited client costs no parsing.
    """
    started = time.perf_counter()
    try:
        collector.check_ip_rate(info.ip)
        events = parse_events(await read_body())
        result = await collector.collect(events, info, source="beacon")
    except RateLimitedError as error:
        return rate_limited_reply(error)
    except WriterUnavailableError as error:
        return unavailable_reply(error)
    except UNAVAILABLE_ERRORS as error:
        return unavailable_reply(WriterUnavailableError(type(error).__name__, 5))
    except AppError as error:
        return error_reply(error.status_code, error.code, error.message)
    _COLLECT_SECONDS.observe(time.perf_counter() - started)
    headers = {**NO_STORE, **cors_headers(info.headers.get("origin"))}
    return Reply(200, collect_body(result), JSON, headers)

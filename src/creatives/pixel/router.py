"""Collector endpoints: the GIF, JSON beacons, server-to-server events, the snippet, metrics."""

import json
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.responses import JSONResponse

from creatives.errors import (
    AppError,
    ErrorResponse,
    NotAuthenticatedError,
    NotFoundError,
    ValidationFailedError,
    error_response,
)
from creatives.pixel import signing
from creatives.pixel.batcher import UNAVAILABLE_ERRORS, WriterUnavailableError
from creatives.pixel.metrics import REQUEST_SECONDS, render_metrics
from creatives.pixel.schemas import CollectResponse, RejectionOut
from creatives.pixel.service import (
    Collector,
    CollectResult,
    RateLimitedError,
    RequestInfo,
)
from creatives.pixel.static_files import PIXEL_JS

router = APIRouter(tags=["pixel"])

MAX_BODY_BYTES = 64 * 1024
MAX_BATCH_EVENTS = 100
TRANSPARENT_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00"
    b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
NO_STORE = {"Cache-Control": "no-store"}


class PayloadTooLargeError(AppError):
    status_code = 413
    code = "payload_too_large"


class InvalidSignatureError(NotAuthenticatedError):
    code = "invalid_signature"


async def get_collector(request: Request) -> Collector:
    # async: FastAPI would run a plain function in its thread pool, on every request.
    collector: Collector = request.app.state.collector
    return collector


CollectorDep = Annotated[Collector, Depends(get_collector)]


def _request_info(request: Request) -> RequestInfo:
    return RequestInfo(
        ip=request.client.host if request.client else "",
        headers=request.headers,
        received_at=datetime.now(UTC),
    )


def _unavailable(error: WriterUnavailableError) -> JSONResponse:
    return error_response(
        503,
        "service_unavailable",
        f"Events were not stored ({error.reason}). Retry with the same event ids.",
        headers={"Retry-After": str(error.retry_after), **NO_STORE},
    )


def _rate_limited(error: RateLimitedError) -> JSONResponse:
    return error_response(
        429, "rate_limited", str(error), headers={"Retry-After": "1", **NO_STORE}
    )


def _cors(request: Request) -> dict[str, str]:
    # Beacons ignore the response, but a fetch() fallback from a shop's origin may read it.
    origin = request.headers.get("origin")
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {}


@router.get(
    "/p.gif",
    response_class=Response,
    responses={200: {"content": {"image/gif": {}}}, 429: {"model": ErrorResponse}},
    summary="Record one event from query parameters; answers a 1x1 transparent GIF.",
)
async def pixel_gif(request: Request, collector: CollectorDep) -> Response:
    """Record one event from query parameters (`site_key`, `event_name`, `url`, ...)."""
    return await gif_response(
        collector, dict(request.query_params), _request_info(request)
    )


async def gif_response(
    collector: Collector, event: dict[str, object], info: RequestInfo
) -> Response:
    """Store the GIF's event and build the response; shared with the ASGI fast path."""
    started = time.perf_counter()
    try:
        await collector.check_ip_rate(info.ip)
        result = await collector.collect([event], info, source="gif")
    except RateLimitedError as error:
        return _rate_limited(error)
    except WriterUnavailableError as error:
        return _unavailable(error)
    except UNAVAILABLE_ERRORS as error:
        # The site cache or the daily salt could not be read.
        return _unavailable(WriterUnavailableError(type(error).__name__, 5))
    REQUEST_SECONDS.labels("gif").observe(time.perf_counter() - started)
    headers = {**NO_STORE, "X-Creatives-Result": result.outcome}
    return Response(TRANSPARENT_GIF, media_type="image/gif", headers=headers)


async def read_body(request: Request) -> bytes:
    """Read at most 64 KB of body; a larger one is rejected before it is buffered."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(
            f"The body has {declared} bytes; at most {MAX_BODY_BYTES} are accepted. "
            "Send fewer events per request."
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise PayloadTooLargeError(
                f"The body is larger than {MAX_BODY_BYTES} bytes. Send fewer events "
                "per request."
            )
        chunks.append(chunk)
    return b"".join(chunks)


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
    return [{**shared, **event} for event in events]


def _collect_response(result: CollectResult) -> CollectResponse:
    return CollectResponse(
        stored=result.stored,
        duplicates=result.duplicates,
        rejected=[
            RejectionOut(index=r.index, reason=r.reason, message=r.message)
            for r in result.rejected
        ],
    )


@router.post(
    "/collect",
    response_model=CollectResponse,
    responses={
        413: {"model": ErrorResponse},
        422: {"model": ErrorResponse},
        429: {"model": ErrorResponse},
        503: {"model": ErrorResponse},
    },
)
async def collect(request: Request, collector: CollectorDep) -> Response:
    """Record one JSON event or a batch of up to 100 (`application/json` or `text/plain`).

    A 200 means every event counted in `stored` and `duplicates` is committed; the events in
    `rejected` were not stored, each with its reason.
    """
    started = time.perf_counter()
    info = _request_info(request)
    try:
        await collector.check_ip_rate(info.ip)
        events = parse_events(await read_body(request))
        result = await collector.collect(events, info, source="beacon")
    except RateLimitedError as error:
        return _rate_limited(error)
    except WriterUnavailableError as error:
        return _unavailable(error)
    REQUEST_SECONDS.labels("collect").observe(time.perf_counter() - started)
    body = _collect_response(result).model_dump_json().encode()
    headers = {**NO_STORE, **_cors(request)}
    return Response(body, media_type="application/json", headers=headers)


@router.post(
    "/api/customer/{customer}/events",
    response_model=CollectResponse,
    responses={
        401: {"model": ErrorResponse},
        404: {"model": ErrorResponse},
        422: {"model": ErrorResponse},
        503: {"model": ErrorResponse},
    },
)
async def server_events(
    request: Request,
    collector: CollectorDep,
    customer: Annotated[str, Path(description="Customer id.")],
    timestamp: Annotated[
        str, Header(alias="X-Creatives-Timestamp", description="Unix time, seconds.")
    ],
    signature: Annotated[
        str,
        Header(
            alias="X-Creatives-Signature",
            description="Hex HMAC-SHA256 of `{timestamp}.{raw body}` with the site secret.",
        ),
    ],
) -> Response:
    """Record server-to-server conversions, signed with the customer's secret.

    Every event needs an `event_id` (a UUID), so a retried call stores nothing twice.
    """
    started = time.perf_counter()
    body = await read_body(request)
    site = await collector.sites.by_customer(customer)
    if site is None:
        raise NotFoundError(f"Customer {customer!r} has no pixel site.")
    problem = signing.check(site.secret, timestamp, signature, body, time.time())
    if problem is not None:
        collector.drop(customer, "invalid_signature")
        raise InvalidSignatureError(problem)
    events = parse_events(body)
    missing = [i for i, event in enumerate(events) if not event.get("event_id")]
    if missing:
        raise ValidationFailedError(
            f"Events at positions {missing} have no event_id. Server events need a UUID "
            "event_id so that retries are not stored twice."
        )
    try:
        result = await collector.collect_server(site, events, datetime.now(UTC))
    except WriterUnavailableError as error:
        return _unavailable(error)
    REQUEST_SECONDS.labels("server").observe(time.perf_counter() - started)
    return Response(
        _collect_response(result).model_dump_json().encode(),
        media_type="application/json",
        headers=NO_STORE,
    )


@router.get("/pixel.js", response_class=Response, include_in_schema=False)
async def pixel_js() -> Response:
    return Response(
        PIXEL_JS,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/metrics", response_class=Response, include_in_schema=False)
async def metrics() -> Response:
    body, content_type = render_metrics()
    return Response(body, media_type=content_type)

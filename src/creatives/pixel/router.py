"""Collector endpoints: the GIF, JSON beacons, server-to-server events, the snippet, metrics."""

import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Request, Response

from creatives.errors import (
    ErrorResponse,
    NotAuthenticatedError,
    NotFoundError,
    ValidationFailedError,
)
from creatives.pixel import signing
from creatives.pixel.batcher import WriterUnavailableError
from creatives.pixel.metrics import REQUEST_SECONDS, render_metrics
from creatives.pixel.replies import (
    MAX_BODY_BYTES,
    NO_STORE,
    TRANSPARENT_GIF,
    Reply,
    body_too_large,
    collect_body,
    collect_reply,
    gif_reply,
    parse_events,
    too_large,
    unavailable_reply,
)
from creatives.pixel.schemas import CollectResponse
from creatives.pixel.service import Collector, RequestInfo
from creatives.pixel.static_files import PIXEL_JS

__all__ = ["MAX_BODY_BYTES", "TRANSPARENT_GIF", "router"]

router = APIRouter(tags=["pixel"])


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


def _response(reply: Reply) -> Response:
    return Response(
        reply.body,
        status_code=reply.status,
        media_type=reply.content_type,
        headers=reply.headers,
    )


@router.get(
    "/p.gif",
    response_class=Response,
    responses={200: {"content": {"image/gif": {}}}, 429: {"model": ErrorResponse}},
    summary="Record one event from query parameters and return a 1x1 transparent GIF.",
)
async def pixel_gif(request: Request, collector: CollectorDep) -> Response:
    """Record one event from query parameters (`site_key`, `event_name`, `url`, ...)."""
    event: dict[str, object] = dict(request.query_params)
    return _response(await gif_reply(collector, event, _request_info(request)))


async def read_body(request: Request) -> bytes:
    """Read at most 64 KB of body; a larger one is rejected before it is buffered."""
    error = too_large(request.headers.get("content-length"))
    if error is not None:
        raise error
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise body_too_large()
        chunks.append(chunk)
    return b"".join(chunks)


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
    reply = await collect_reply(
        collector, lambda: read_body(request), _request_info(request)
    )
    return _response(reply)


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
        return _response(unavailable_reply(error))
    REQUEST_SECONDS.labels("server").observe(time.perf_counter() - started)
    return Response(
        collect_body(result), media_type="application/json", headers=NO_STORE
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

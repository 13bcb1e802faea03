"""A pure ASGI front for the collector: `GET /p.gif` and `POST /collect` skip FastAPI.

`creatives collect` puts it in front of the collector app, where these two paths carry
almost all requests. It reads the query, headers and body straight from the ASGI scope and
calls the same functions as the FastAPI routes (replies.py), so both apply the same rules
and send the same responses, without routing, dependency injection or Request objects. Every
other request passes through to FastAPI.
"""

from datetime import UTC, datetime

from fastapi import FastAPI
from starlette.types import Message, Receive, Scope, Send

from creatives.pixel.replies import (
    MAX_BODY_BYTES,
    Reply,
    body_too_large,
    collect_reply,
    gif_reply,
    too_large,
)
from creatives.pixel.service import Collector, RequestInfo
from creatives.pixel.validation import parse_query


class CollectorFastPath:
    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            method = scope["method"]
            if path == "/p.gif" and method == "GET":
                await self._gif(scope, send)
                return
            if path == "/collect" and method == "POST":
                await self._collect(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @property
    def collector(self) -> Collector:
        collector: Collector = self.app.state.collector
        return collector

    async def _gif(self, scope: Scope, send: Send) -> None:
        # Latin-1 then one percent-decoding, as Starlette's QueryParams reads the query.
        query = scope["query_string"].decode("latin-1")
        event: dict[str, object] = dict(parse_query(query, keep_blank_values=True))
        reply = await gif_reply(self.collector, event, request_info(scope))
        await send_reply(send, reply)

    async def _collect(self, scope: Scope, receive: Receive, send: Send) -> None:
        info = request_info(scope)
        declared = info.headers.get("content-length")
        reply = await collect_reply(
            self.collector, lambda: read_body(receive, declared), info
        )
        await send_reply(send, reply)


# The request headers that the collector reads; browsers send a dozen more that it ignores.
USED_HEADERS = frozenset(
    (b"origin", b"referer", b"user-agent", b"dnt", b"sec-gpc", b"content-length")
)


def request_info(scope: Scope) -> RequestInfo:
    # ASGI servers send header names in lower case; a repeated header keeps its last value.
    headers = {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in scope["headers"]
        if name in USED_HEADERS
    }
    client = scope.get("client")
    return RequestInfo(
        ip=client[0] if client else "",
        headers=headers,
        received_at=datetime.now(UTC),
    )


async def read_body(receive: Receive, declared_length: str | None) -> bytes:
    """Read the request body; raise PayloadTooLargeError past 64 KB, before buffering more."""
    error = too_large(declared_length)
    if error is not None:
        raise error
    chunks: list[bytes] = []
    size = 0
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise body_too_large()
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def send_reply(send: Send, reply: Reply) -> None:
    headers = [
        (b"content-type", reply.content_type.encode()),
        (b"content-length", str(len(reply.body)).encode()),
    ]
    headers += [
        (name.lower().encode(), value.encode("latin-1"))
        for name, value in reply.headers.items()
    ]
    await send(
        {"type": "http.response.start", "status": reply.status, "headers": headers}
    )
    await send({"type": "http.response.body", "body": reply.body})

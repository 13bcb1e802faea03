"""An ASGI wrapper that serves `GET /p.gif` without FastAPI's routing and dependencies.

`creatives collect` puts it in front of the collector app, where the GIF is the hottest
path. It calls the same `gif_response` as the FastAPI route, so both behave alike; every
other request passes through to FastAPI.
"""

from datetime import UTC, datetime
from urllib.parse import parse_qsl

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.types import Receive, Scope, Send

from creatives.pixel.router import gif_response
from creatives.pixel.service import RequestInfo


class GifFastPath:
    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != "/p.gif"
            or scope["method"] != "GET"
        ):
            await self.app(scope, receive, send)
            return
        # Decoded as Starlette's QueryParams decodes it, so both paths read the same values.
        query = scope["query_string"].decode("latin-1")
        event: dict[str, object] = dict(parse_qsl(query, keep_blank_values=True))
        client = scope.get("client")
        info = RequestInfo(
            ip=client[0] if client else "",
            headers=Headers(scope=scope),
            received_at=datetime.now(UTC),
        )
        response = await gif_response(self.app.state.collector, event, info)
        await response(scope, receive, send)

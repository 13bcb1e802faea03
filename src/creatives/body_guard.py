"""A route class that checks a request before FastAPI reads its body.

FastAPI reads the whole body, and spools the files of a form to temporary files, before
it resolves any dependency of the route (`get_request_handler` in fastapi/routing.py,
0.165). A token or size check written as a dependency therefore runs only after the
upload is stored. A GuardedBodyRoute checks the headers first and counts the body while
FastAPI reads it, so the server stops at the first body message past the limit.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.types import Message, Receive

from creatives.errors import AppError, PayloadTooLargeError
from creatives.logging import get_logger

log = get_logger(__name__)

# A login form or JSON document is a few hundred bytes.
SMALL_BODY_LIMIT = 64 * 1024


class BodyLimitExceededError(Exception):
    """The error that `CountingReceive` raises once the body passes its limit."""


class CountingReceive:
    """An ASGI `receive` that passes messages through until the body passes `limit`."""

    def __init__(self, receive: Receive, limit: int) -> None:
        self._receive = receive
        self.limit = limit
        self.received = 0
        self.exceeded = False

    async def __call__(self) -> Message:
        if self.exceeded:
            raise BodyLimitExceededError
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                self.exceeded = True
                raise BodyLimitExceededError
        return message


def declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isascii() and value.isdigit() else None


def _log_rejection(request: Request, error: AppError, read_bytes: int) -> None:
    # The request id comes from the context bound by RequestIdMiddleware.
    log.info(
        "request_rejected",
        reason=error.code,
        status=error.status_code,
        path=request.url.path,
        customer_id=request.path_params.get("customer"),
        declared_bytes=declared_length(request),
        read_bytes=read_bytes,
    )


class GuardedBodyRoute(APIRoute):
    """An APIRoute that checks a request's headers before its body is read.

    Subclasses define `check_headers`, `body_limit` and `body_too_large`. Each rejection
    is an AppError, so the app's handlers give it the API's error shape, and it is
    logged once. A declared Content-Length over the limit is rejected at once, and a
    body without one is cut off as soon as it passes the limit.
    """

    async def check_headers(self, request: Request) -> None:
        """Raise an AppError to reject the request from its headers alone."""

    def body_limit(self, request: Request) -> int:
        """Return the largest body, in bytes, that the route reads."""
        raise NotImplementedError

    def body_too_large(self, request: Request) -> AppError:
        """Return the error for a body over `body_limit`."""
        raise NotImplementedError

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                await self.check_headers(request)
                limit = self.body_limit(request)
                declared = declared_length(request)
                if declared is not None and declared > limit:
                    raise self.body_too_large(request)
            except AppError as error:
                _log_rejection(request, error, read_bytes=0)
                raise
            receive = CountingReceive(request.receive, limit)
            try:
                return await handler(Request(request.scope, receive))
            except Exception as error:
                # FastAPI turns any error while reading the body into a 400, so an error
                # after the body passed the limit is replaced with the 413.
                if not receive.exceeded:
                    raise
                rejection = self.body_too_large(request)
                _log_rejection(request, rejection, read_bytes=receive.received)
                raise rejection from error

        return guarded


class SmallBodyRoute(GuardedBodyRoute):
    """An APIRoute whose body, a short form or JSON document, is read only up to 64 KB.

    For the endpoints that take a body without a token, such as the login.
    """

    def body_limit(self, request: Request) -> int:
        return SMALL_BODY_LIMIT

    def body_too_large(self, request: Request) -> AppError:
        return PayloadTooLargeError(
            f"The request body is larger than {SMALL_BODY_LIMIT} bytes, the limit of "
            "this endpoint. Send only the fields that the API documents."
        )

"""One error shape for the whole API: {"error": {"code", "message", "fields"?}}."""

from collections.abc import Mapping
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from creatives.logging import get_logger

log = get_logger(__name__)


class FieldError(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: list[FieldError] | None = None


class ErrorResponse(BaseModel):
    """The body of every error response of the API."""

    error: ErrorBody


class AppError(Exception):
    """An error that carries its HTTP status and a stable code."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


class NotAuthenticatedError(AppError):
    status_code = 401
    code = "not_authenticated"


class TokenExpiredError(NotAuthenticatedError):
    code = "token_expired"


class InvalidCredentialsError(AppError):
    status_code = 401
    code = "invalid_credentials"


class AccountDisabledError(AppError):
    status_code = 403
    code = "account_disabled"


class ForbiddenError(AppError):
    status_code = 403
    code = "forbidden"


class NotFoundError(AppError):
    status_code = 404
    code = "not_found"


class ValidationFailedError(AppError):
    status_code = 422
    code = "validation_error"


class ConflictError(AppError):
    status_code = 409
    code = "conflict"


class DatabaseUnavailableError(AppError):
    status_code = 503
    code = "database_unavailable"


def error_response(
    status_code: int,
    code: str,
    message: str,
    fields: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(code=code, message=message, fields=fields))
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status_code, headers=headers
    )


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path")]
    return ".".join(parts) or "request"


# An echoed value helps the caller find the mistake; a long one only bloats the response.
ECHO_LIMIT = 80
SECRET_FIELDS = ("password", "secret", "token")


def _echo(field: str, value: Any) -> str:
    """Format the rejected value for an error message: never a secret, cut when long."""
    if any(word in field.lower() for word in SECRET_FIELDS):
        return ""
    echoed = repr(value)
    if len(echoed) > ECHO_LIMIT:
        size = f"{len(value):,} characters" if isinstance(value, str) else "cut"
        echoed = f"{echoed[:ECHO_LIMIT]}… ({size})"
    return f" (got {echoed})"


def _validation_fields(exc: RequestValidationError) -> list[FieldError]:
    fields = []
    for error in exc.errors():
        field = _field_name(tuple(error.get("loc", ())))
        message = str(error.get("msg", "Invalid value"))
        if "input" in error and error.get("type") != "missing":
            message += _echo(field, error["input"])
        fields.append(FieldError(field=field, message=message))
    return fields


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return error_response(exc.status_code, exc.code, exc.message, exc.fields, headers)


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = _validation_fields(exc)
    summary = "; ".join(f"{item.field}: {item.message}" for item in fields)
    return error_response(
        422, "validation_error", f"Invalid request. {summary}", fields
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {401: "not_authenticated", 404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("database_unavailable", error=type(exc).__name__, path=request.url.path)
    return error_response(
        503,
        "database_unavailable",
        "The database is not reachable. Try again in a moment.",
        headers={"Retry-After": "5"},
    )


# PostgreSQL text cannot hold NUL characters; a request carrying one is invalid input.
_UNSTORABLE_TEXT = (
    asyncpg.CharacterNotInRepertoireError,
    asyncpg.UntranslatableCharacterError,
)


async def _statement_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    cause = getattr(exc.orig, "__cause__", None) or exc.orig
    if isinstance(cause, asyncpg.QueryCanceledError):
        log.warning("query_cancelled", path=request.url.path, error=str(cause))
        return error_response(
            503,
            "query_timeout",
            "The query took too long and the database cancelled it. Choose a shorter "
            "date range, or try again when the server is less busy.",
        )
    if isinstance(cause, _UNSTORABLE_TEXT):
        log.info("request_rejected", reason="unstorable_text", path=request.url.path)
        return error_response(
            422,
            "validation_error",
            "The request contains a NUL character or another character that cannot be "
            "stored as text. Remove it and try again.",
        )
    return await _unexpected_error(request, exc)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", path=request.url.path, error=type(exc).__name__)
    return error_response(
        500,
        "internal_error",
        "Internal server error. The request id identifies it in the logs.",
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for unavailable in (
        OperationalError,
        InterfaceError,
        OSError,
        asyncpg.PostgresConnectionError,
    ):
        app.add_exception_handler(unavailable, _database_error)
    app.add_exception_handler(DBAPIError, _statement_error)
    app.add_exception_handler(Exception, _unexpected_error)

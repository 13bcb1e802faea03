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


class PayloadTooLargeError(AppError):
    status_code = 413
    code = "payload_too_large"


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


def _expected_body(request: Request) -> str:
    """Describe the JSON body the matched endpoint expects, from its body model."""
    body_field = getattr(request.scope.get("route"), "body_field", None)
    model = getattr(getattr(body_field, "field_info", None), "annotation", None)
    if isinstance(model, type) and issubclass(model, BaseModel):
        names = [field.alias or name for name, field in model.model_fields.items()]
        keys = ", ".join(f'"{name}"' for name in names)
        return f"a JSON object with the keys {keys}"
    return "a JSON document"


# FastAPI (0.165) raises a 400 with this detail when it cannot read a body at all, for
# example JSON that is not UTF-8; JSON that decodes but does not parse is its 422.
FASTAPI_BODY_PARSE_DETAIL = "There was an error parsing the body"


def _invalid_json(
    request: Request, reason: str, position: object = None
) -> JSONResponse:
    where = f" at character {position}" if isinstance(position, int) else ""
    message = (
        f"The request body is not valid JSON ({reason}{where}). Send "
        f"{_expected_body(request)}, with Content-Type: application/json."
    )
    return error_response(
        422, "validation_error", message, [FieldError(field="body", message=message)]
    )


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            location = tuple(error.get("loc", ()))
            reason = str(error.get("ctx", {}).get("error", "JSON decode error"))
            return _invalid_json(request, reason, location[-1])
        # Without a JSON Content-Type, FastAPI validates the raw bytes against the model.
        if tuple(error.get("loc", ())) == ("body",) and isinstance(
            error.get("input"), bytes
        ):
            content_type = request.headers.get("content-type") or "missing"
            return _invalid_json(request, f"Content-Type is {content_type}")
    fields = _validation_fields(exc)
    summary = "; ".join(f"{item.field}: {item.message}" for item in fields)
    return error_response(
        422, "validation_error", f"Invalid request. {summary}", fields
    )


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """Format an HTTPException of Starlette, such as the router's 404 and 405."""
    assert isinstance(exc, StarletteHTTPException)
    content_type = request.headers.get("content-type", "")
    if (
        exc.status_code == 400
        and exc.detail == FASTAPI_BODY_PARSE_DETAIL
        and "json" in content_type
    ):
        return _invalid_json(request, "it cannot be read as UTF-8 JSON")
    codes = {401: "not_authenticated", 404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, "http_error")
    message = str(exc.detail)
    allowed = (exc.headers or {}).get("Allow")
    if exc.status_code == 405 and allowed:
        message = (
            f"Method {request.method} is not allowed on {request.url.path}. "
            f"Use {allowed}."
        )
    return error_response(exc.status_code, code, message, headers=exc.headers)


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
    app.add_exception_handler(StarletteHTTPException, http_error)
    for unavailable in (
        OperationalError,
        InterfaceError,
        OSError,
        asyncpg.PostgresConnectionError,
    ):
        app.add_exception_handler(unavailable, _database_error)
    app.add_exception_handler(DBAPIError, _statement_error)
    app.add_exception_handler(Exception, _unexpected_error)

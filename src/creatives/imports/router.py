"""Upload endpoint: admins import an export file for a customer."""

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from creatives.auth.dependencies import (
    AppSettings,
    CurrentUser,
    check_bearer_token,
    get_app_settings,
)
from creatives.body_guard import GuardedBodyRoute
from creatives.config import Settings
from creatives.customers.dependencies import AccessibleCustomer
from creatives.database import DbConnection
from creatives.errors import (
    AppError,
    ErrorResponse,
    FieldError,
    ForbiddenError,
    ValidationFailedError,
)
from creatives.imports.errors import ImportFileError
from creatives.imports.parsing.numbers import NumberLocale
from creatives.imports.platforms.mapped_csv import MappingError
from creatives.imports.rows import ParseOptions
from creatives.imports.schemas import ImportErrorResponse, ImportSummary
from creatives.imports.service import ImportRequest, import_ad_file
from creatives.logging import get_logger

log = get_logger(__name__)

MEGABYTE = 1 << 20
COPY_CHUNK = MEGABYTE
# The form's other fields and its multipart framing, on top of the file's limit.
FORM_ALLOWANCE = 64 * 1024
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorResponse, "description": "Missing, invalid or expired token"},
    403: {"model": ErrorResponse, "description": "The user is not an admin"},
    404: {"model": ErrorResponse, "description": "Unknown customer or no access to it"},
    413: {"model": ErrorResponse, "description": "The file exceeds the upload limit"},
    422: {
        "model": ImportErrorResponse,
        "description": "Invalid file or options; fields name the file, line, column "
        "and value",
    },
}


class UploadTooLargeError(AppError):
    status_code = 413
    code = "upload_too_large"


def _upload_limit_bytes(settings: Settings) -> int:
    return settings.import_max_upload_mb * MEGABYTE


def _too_large(limit: int, name: str) -> UploadTooLargeError:
    return UploadTooLargeError(
        f"{name} exceeds the upload limit of {limit // MEGABYTE} MB "
        "(IMPORT_MAX_UPLOAD_MB). Import larger files on the server with the "
        "command `creatives import PLATFORM FILE --customer ID`."
    )


class UploadRoute(GuardedBodyRoute):
    """Reject an upload without a valid token, or over the limit, before reading it.

    Whether the user is an admin with access to the customer is checked later, by the
    endpoint's dependencies.
    """

    async def check_headers(self, request: Request) -> None:
        await check_bearer_token(request)

    def body_limit(self, request: Request) -> int:
        return _upload_limit_bytes(get_app_settings(request)) + FORM_ALLOWANCE

    def body_too_large(self, request: Request) -> AppError:
        limit = _upload_limit_bytes(get_app_settings(request))
        return _too_large(limit, "The request body")


def import_error_response(error: ImportFileError) -> JSONResponse:
    """Render an ImportFileError in the API's error shape, one field per problem.

    Each field carries `file`, `line`, `column` and `value` besides `message`, so a
    client can point at the cell.
    """
    fields = [
        {
            "field": "file",
            "message": problem.describe(),
            "file": error.file_name,
            "line": problem.line,
            "column": problem.column,
            "value": problem.value,
        }
        for problem in error.problems
    ] or [{"field": "file", "message": error.message, "file": error.file_name}]
    body = {
        "error": {"code": "validation_error", "message": str(error), "fields": fields}
    }
    return JSONResponse(body, status_code=422)


def _save_upload(upload: UploadFile, folder: Path, limit: int) -> Path:
    # Only the base name is kept, so a crafted file name cannot leave the folder.
    name = Path(upload.filename or "").name
    if name in ("", ".", ".."):
        name = "upload.csv"
    target = folder / name

    # UploadRoute caps the whole body at the limit plus FORM_ALLOWANCE, so this check
    # keeps the file itself within the limit.
    written = 0
    with target.open("wb") as handle:
        while chunk := upload.file.read(COPY_CHUNK):
            written += len(chunk)
            if written > limit:
                raise _too_large(limit, name)
            handle.write(chunk)
    return target


router = APIRouter(
    prefix="/api/customer/{customer}/imports", tags=["imports"], route_class=UploadRoute
)


@router.post(
    "",
    response_model=ImportSummary,
    responses=ERRORS,
    operation_id="importAdFile",
)
async def upload_import(
    settings: AppSettings,
    customer: AccessibleCustomer,
    user: CurrentUser,
    conn: DbConnection,
    file: Annotated[UploadFile, File(description="Export file, CSV or XLSX.")],
    platform: Annotated[
        Literal["meta", "google-ads", "csv"],
        Form(description="Layout of the file: meta, google-ads or csv (with mapping)."),
    ],
    mapping: Annotated[
        str | None,
        Form(description="For csv: FIELD=COLUMN pairs, e.g. spend=Cost,date=Day."),
    ] = None,
    channel: Annotated[
        str | None, Form(description="For csv: channel label, e.g. display.")
    ] = None,
    locale: Annotated[
        NumberLocale | None,
        Form(description="en (1,234.56) or de (1.234,56); default: detected."),
    ] = None,
    currency: Annotated[
        str | None,
        Form(description="ISO 4217 code of amounts when the file names none."),
    ] = None,
    date_format: Annotated[
        str | None, Form(description="strptime pattern of dates, e.g. %d/%m/%Y.")
    ] = None,
    year: Annotated[
        int | None, Form(description="Year when month and day are mapped.")
    ] = None,
    skip_invalid: Annotated[
        bool, Form(description="Skip invalid rows instead of failing the import.")
    ] = False,
) -> ImportSummary | JSONResponse:
    """Import an ad-platform export for the customer; returns the import summary."""
    if user.role != "admin":
        raise ForbiddenError("Only admins can import files.")

    options = ParseOptions(
        locale=locale,
        date_format=date_format,
        year=year,
        currency=currency,
        skip_invalid=skip_invalid,
    )
    with tempfile.TemporaryDirectory(prefix="creatives-import-") as folder:
        path = _save_upload(file, Path(folder), _upload_limit_bytes(settings))
        import_request = ImportRequest(
            customer.id, path, path.name, platform, options, mapping, channel
        )
        try:
            summary = await import_ad_file(conn, import_request)
        except ImportFileError as error:
            await conn.rollback()
            log.info("import_rejected", customer_id=customer.id, error=str(error))
            return import_error_response(error)
        except MappingError as error:
            await conn.rollback()
            message = str(error)
            raise ValidationFailedError(
                message, fields=[FieldError(field="mapping", message=message)]
            ) from error
        except BaseException:
            await conn.rollback()
            raise
    await conn.commit()
    return summary

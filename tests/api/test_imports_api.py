"""POST /api/customer/{customer}/imports: upload, summary, errors in the API's shape."""

import io
from pathlib import Path

import httpx
import pytest
import structlog
from fastapi import UploadFile
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.config import Settings
from creatives.imports.router import (
    FORM_ALLOWANCE,
    MEGABYTE,
    UploadTooLargeError,
    _save_upload,
)
from tests import factories
from tests.api.conftest import CountingBody, login

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
UPLOAD = "/api/customer/23/imports"
BOUNDARY = "upload-test-boundary"


async def _shop(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23", currency="EUR")
        await factories.customer(conn, "41", currency="USD")
        await factories.user(conn, "admin@example.com", ["23"], role="admin")
        await factories.user(conn, "ana@example.com", ["23"])


def _file(name: str) -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, (FIXTURES / name).read_bytes(), "text/csv")}


async def test_upload_returns_summary(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "admin@example.com")

    response = await client.post(
        UPLOAD,
        headers=headers,
        files=_file("meta_bom_period.csv"),
        data={"platform": "meta"},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["rows_imported"] == 3
    assert body["channel"] == "facebook"
    assert body["already_imported"] is False
    assert body["totals"] == [
        {
            "currency": "EUR",
            "rows": 3,
            "spend": 135.75,
            "conversion_value": 90.0,
            "impressions": 4200,
            "clicks": 41,
        }
    ]
    async with db.connect() as conn:
        stored = (
            await conn.execute(text("SELECT count(*) FROM creatives.ad_performance"))
        ).scalar()
    assert stored == 3


async def test_upload_mapped_csv(client: httpx.AsyncClient, db: AsyncEngine) -> None:
    await _shop(db)
    headers = await login(client, "admin@example.com")

    response = await client.post(
        UPLOAD,
        headers=headers,
        files=_file("mapped_breakdown_rows.csv"),
        data={
            "platform": "csv",
            "mapping": "month=month,day=day,ad_name=banner,spend=cost,clicks=clicks",
            "channel": "display",
            "year": "2020",
            "currency": "EUR",
        },
    )

    assert response.status_code == 200, response.text
    assert response.json()["ads_periods_stored"] == 2


async def test_invalid_cell_is_422_with_position(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "admin@example.com")

    response = await client.post(
        UPLOAD,
        headers=headers,
        files=_file("mapped_invalid_cell.csv"),
        data={
            "platform": "csv",
            "mapping": "ad_name=ad,date=day,spend=cost,clicks=clicks",
            "currency": "EUR",
        },
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"].startswith("mapped_invalid_cell.csv, line 3")
    field = error["fields"][0]
    assert field["file"] == "mapped_invalid_cell.csv"
    assert field["line"] == 3
    assert field["column"] == "cost"
    assert field["value"] == "abc"
    assert "x-request-id" in response.headers


async def test_bad_mapping_is_422(client: httpx.AsyncClient, db: AsyncEngine) -> None:
    await _shop(db)
    headers = await login(client, "admin@example.com")

    response = await client.post(
        UPLOAD,
        headers=headers,
        files=_file("mapped_invalid_cell.csv"),
        data={"platform": "csv", "mapping": "cost=cost"},
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "mapping"


async def test_analyst_cannot_upload(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "ana@example.com")

    response = await client.post(
        UPLOAD,
        headers=headers,
        files=_file("meta_bom_period.csv"),
        data={"platform": "meta"},
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


async def test_other_customer_is_404(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "admin@example.com")

    response = await client.post(
        "/api/customer/41/imports",
        headers=headers,
        files=_file("meta_bom_period.csv"),
        data={"platform": "meta"},
    )

    assert response.status_code == 404


async def test_upload_without_token_is_401(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    response = await client.post(
        UPLOAD, files=_file("meta_bom_period.csv"), data={"platform": "meta"}
    )

    assert response.status_code == 401


async def test_imported_rows_reach_metrics(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "admin@example.com")
    await client.post(
        UPLOAD,
        headers=headers,
        files=_file("meta_bom_period.csv"),
        data={"platform": "meta"},
    )

    options = await client.get(
        "/api/customer/23/creatives/filter-options", headers=headers
    )
    metrics = await client.get(
        "/api/customer/23/creatives/platform_conversion/metrics",
        headers=headers,
        params={"start_date": "2024-05-01", "end_date": "2024-05-10"},
    )

    assert options.status_code == 200, options.text
    assert "platform_conversion" in options.json()["events"]
    assert metrics.status_code == 200, metrics.text
    body = metrics.json()
    assert body["row_count"] == 2
    # Ten of the period's 31 days: 135.75 * 10 / 31.
    assert body["totals"]["spend"] == pytest.approx(43.790323)
    assert {row["ad_copy"] for row in body["rows"]} == {"Pizza video", "Pizza carousel"}


async def test_file_name_cannot_escape(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _shop(db)
    headers = await login(client, "admin@example.com")
    content = (FIXTURES / "meta_bom_period.csv").read_bytes()

    response = await client.post(
        UPLOAD,
        headers=headers,
        files={"file": ("../..", content, "text/csv")},
        data={"platform": "meta"},
    )

    assert response.status_code == 200, response.text
    assert response.json()["file_name"] == "upload.csv"


async def test_upload_over_limit_is_413(
    client: httpx.AsyncClient, db: AsyncEngine, settings: Settings
) -> None:
    await _shop(db)
    headers = await login(client, "admin@example.com")
    settings.import_max_upload_mb = 1
    content = b"x" * (MEGABYTE + 1)

    response = await client.post(
        UPLOAD,
        headers=headers,
        files={"file": ("big.csv", content, "text/csv")},
        data={"platform": "meta"},
    )

    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "upload_too_large"
    assert "upload limit of 1 MB" in error["message"]
    assert "creatives import" in error["message"]
    assert await _import_count(db) == 0


def test_save_upload_counts_undeclared_length(tmp_path: Path) -> None:
    # The route lets the form's framing pass the limit; the copy keeps the file within it.
    upload = UploadFile(io.BytesIO(b"x" * 11), filename="chunked.csv")

    with pytest.raises(UploadTooLargeError, match=r"chunked\.csv exceeds"):
        _save_upload(upload, tmp_path, limit=10)


def test_save_upload_accepts_file_at_limit(tmp_path: Path) -> None:
    upload = UploadFile(io.BytesIO(b"x" * 10), filename="exact.csv")

    path = _save_upload(upload, tmp_path, limit=10)

    assert path.read_bytes() == b"x" * 10


class MultipartBody(CountingBody):
    """A multipart upload of one file, for the meta platform, that counts what was read."""

    def __init__(self, content: bytes, name: str = "big.csv") -> None:
        head = (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="platform"\r\n\r\nmeta\r\n'
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        super().__init__(head + content + f"\r\n--{BOUNDARY}--\r\n".encode())

    async def post(
        self, client: httpx.AsyncClient, auth: dict[str, str], *, declared: bool = True
    ) -> httpx.Response:
        """Post to the upload endpoint, with a Content-Length or else chunked."""
        headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}", **auth}
        if declared:
            headers["Content-Length"] = str(len(self.data))
        return await client.post(UPLOAD, headers=headers, content=self.stream())


async def _admin_with_1mb_limit(
    client: httpx.AsyncClient, db: AsyncEngine, settings: Settings
) -> dict[str, str]:
    """Add the shop, log in as its admin and set the upload limit to 1 MB."""
    await _shop(db)
    settings.import_max_upload_mb = 1
    return await login(client, "admin@example.com")


def _assert_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "upload_too_large"
    assert "upload limit of 1 MB (IMPORT_MAX_UPLOAD_MB)" in error["message"]
    assert "creatives import" in error["message"]


async def _import_count(db: AsyncEngine) -> int | None:
    async with db.connect() as conn:
        result = await conn.execute(text("SELECT count(*) FROM creatives.ad_imports"))
    count: int | None = result.scalar()
    return count


def _meta_file_of_size(size: int) -> bytes:
    """Build the Meta export fixture, padded with empty rows to exactly `size` bytes.

    Few long rows instead of many blank lines keep the import fast.
    """
    content = (FIXTURES / "meta_bom_period.csv").read_bytes()
    lines, rest = divmod(size - len(content), 1024)
    empty_row = b"," * 11 + b" " * 1012 + b"\n"
    return content + empty_row * lines + b"\n" * rest


async def test_missing_token_rejected_before_read(
    client: httpx.AsyncClient, db: AsyncEngine, settings: Settings
) -> None:
    settings.import_max_upload_mb = 1
    body = MultipartBody(b"x" * (5 * MEGABYTE))

    response = await body.post(client, {})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.headers["www-authenticate"] == "Bearer"
    assert body.sent == 0


async def test_invalid_token_rejected_before_read(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    body = MultipartBody(b"x" * MEGABYTE)

    response = await body.post(
        client, {"Authorization": "Bearer not-a-token"}, declared=False
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert body.sent == 0


async def test_declared_oversize_rejected_before_read(
    client: httpx.AsyncClient, db: AsyncEngine, settings: Settings
) -> None:
    headers = await _admin_with_1mb_limit(client, db, settings)
    body = MultipartBody(b"x" * (3 * MEGABYTE))

    with structlog.testing.capture_logs(
        processors=[structlog.contextvars.merge_contextvars]
    ) as logs:
        response = await body.post(client, headers)

    _assert_too_large(response)
    assert body.sent == 0
    lines = [line for line in logs if line["event"] == "request_rejected"]
    assert len(lines) == 1
    line = lines[0]
    assert line["reason"] == "upload_too_large"
    assert line["customer_id"] == "23"
    assert line["request_id"] == response.headers["x-request-id"]
    token = headers["Authorization"].removeprefix("Bearer ")
    assert all(token not in str(value) for value in line.values())


async def test_chunked_oversize_cut_off(
    client: httpx.AsyncClient, db: AsyncEngine, settings: Settings
) -> None:
    headers = await _admin_with_1mb_limit(client, db, settings)
    body = MultipartBody(b"x" * (20 * MEGABYTE))

    response = await body.post(client, headers, declared=False)

    _assert_too_large(response)
    # Reading stops within one chunk of the limit and its allowance for form fields.
    assert body.sent <= MEGABYTE + FORM_ALLOWANCE + body.chunk_size
    assert await _import_count(db) == 0


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "chunked"])
async def test_file_at_limit_imports(
    client: httpx.AsyncClient, db: AsyncEngine, settings: Settings, declared: bool
) -> None:
    headers = await _admin_with_1mb_limit(client, db, settings)
    body = MultipartBody(_meta_file_of_size(MEGABYTE), name="exact.csv")

    response = await body.post(client, headers, declared=declared)

    assert response.status_code == 200, response.text
    assert response.json()["rows_imported"] == 3
    assert body.sent == len(body.data)


async def test_file_byte_over_limit_is_413(
    client: httpx.AsyncClient, db: AsyncEngine, settings: Settings
) -> None:
    headers = await _admin_with_1mb_limit(client, db, settings)
    body = MultipartBody(_meta_file_of_size(MEGABYTE + 1))

    response = await body.post(client, headers)

    _assert_too_large(response)

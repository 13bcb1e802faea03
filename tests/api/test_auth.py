import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.auth import repository
from creatives.auth.security import create_access_token
from creatives.auth.service import set_password
from creatives.body_guard import SMALL_BODY_LIMIT
from creatives.config import Settings
from creatives.main import create_app
from tests import factories
from tests.api.conftest import CountingBody, login
from tests.conftest import TEST_SECRET


async def _analyst(db: AsyncEngine) -> int:
    async with db.begin() as conn:
        await factories.customer(conn, "23")
        return await factories.user(conn, "Ana@Example.com", ["23"])


async def test_login_returns_token_and_user(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _analyst(db)

    response = await client.post(
        "/api/account/login",
        json={"email": "ana@example.COM", "password": factories.PASSWORD},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["tokenType"] == "bearer"
    assert body["user"]["email"] == "Ana@Example.com"
    assert [c["id"] for c in body["user"]["customers"]] == ["23"]
    assert body["user"]["customers"][0]["currency"] == "EUR"


@pytest.fixture
def kolkata_time_zone() -> Iterator[None]:
    """Run the test with the process time zone at UTC+05:30, then restore it."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Kolkata"
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


async def test_login_token_lifetime_under_kolkata(
    db: AsyncEngine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kolkata_time_zone: None,
) -> None:
    await _analyst(db)
    # Read from the environment as a deployment sets it; the default is 60 minutes.
    monkeypatch.setenv("ACCESS_TOKEN_MINUTES", "137")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        jwt_secret_key=TEST_SECRET,
        integration_interval_seconds=0,
        frontend_dir=tmp_path / "no-frontend",
    )
    app = create_app(settings)

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver"
        ) as client:
            response = await client.post(
                "/api/account/login",
                json={"email": "ana@example.com", "password": factories.PASSWORD},
            )

    assert response.status_code == 200, response.text
    claims = jwt.decode(
        response.json()["accessToken"], TEST_SECRET, algorithms=["HS256"]
    )
    assert settings.access_token_minutes == 137
    assert time.localtime().tm_gmtoff == 5 * 3600 + 1800
    assert claims["exp"] - claims["iat"] == 137 * 60
    assert abs(claims["iat"] - datetime.now(UTC).timestamp()) < 5


async def test_login_wrong_password_401(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _analyst(db)

    response = await client.post(
        "/api/account/login", json={"email": "ana@example.com", "password": "nope"}
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


async def test_login_unknown_email_looks_like_wrong_password(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    response = await client.post(
        "/api/account/login", json={"email": "ghost@example.com", "password": "nope"}
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


async def test_login_disabled_account_403(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    user_id = await _analyst(db)
    async with db.begin() as conn:
        await repository.set_active(conn, user_id, False)

    response = await client.post(
        "/api/account/login",
        json={"email": "ana@example.com", "password": factories.PASSWORD},
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_disabled"


async def test_oauth2_token_flow(client: httpx.AsyncClient, db: AsyncEngine) -> None:
    await _analyst(db)

    response = await client.post(
        "/api/auth/token",
        data={"username": "ana@example.com", "password": factories.PASSWORD},
    )

    assert response.status_code == 200
    token = response.json()["access_token"]
    account = await client.get(
        "/api/account/my-account", headers={"Authorization": f"Bearer {token}"}
    )
    assert account.status_code == 200
    assert account.json()["user"]["email"] == "Ana@Example.com"


async def test_my_account_without_token_401(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    response = await client.get("/api/account/my-account")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "not_authenticated"


async def test_expired_token_401(client: httpx.AsyncClient, db: AsyncEngine) -> None:
    user_id = await _analyst(db)
    issued = datetime.now(UTC) - timedelta(hours=3)
    token = create_access_token(
        str(user_id), TEST_SECRET, timedelta(hours=1), now=issued
    )

    response = await client.get(
        "/api/customers", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


async def test_alg_none_token_401(client: httpx.AsyncClient, db: AsyncEngine) -> None:
    user_id = await _analyst(db)
    now = int(time.time())
    token = jwt.encode(
        {"sub": str(user_id), "iat": now, "exp": now + 600}, None, algorithm="none"
    )

    response = await client.get(
        "/api/customers", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 401


async def test_token_of_other_secret_401(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    user_id = await _analyst(db)
    token = create_access_token(str(user_id), "another-" + "z" * 40, timedelta(hours=1))

    response = await client.get(
        "/api/customers", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 401


async def test_token_of_disabled_user_401(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    user_id = await _analyst(db)
    headers = await login(client, "ana@example.com")
    async with db.begin() as conn:
        await repository.set_active(conn, user_id, False)

    response = await client.get("/api/customers", headers=headers)

    assert response.status_code == 401


async def test_customers_lists_only_memberships(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23")
        await factories.customer(conn, "41", currency="USD")
        await factories.user(conn, "ana@example.com", ["41"])

    response = await client.get(
        "/api/customers", headers=await login(client, "ana@example.com")
    )

    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == ["41"]


async def test_health_checks_database(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    response = await client.get("/api/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert len(response.headers["x-request-id"]) == 32


async def test_nul_character_in_login_422(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _analyst(db)

    response = await client.post(
        "/api/account/login", json={"email": "ana@example.com\u0000", "password": "x"}
    )

    assert response.status_code == 422
    assert "NUL character" in response.json()["error"]["message"]


async def test_huge_subject_token_401(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _analyst(db)
    token = create_access_token(
        "99999999999999999999999", TEST_SECRET, timedelta(hours=1)
    )

    response = await client.get(
        "/api/customers", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 401


async def test_password_change_ends_old_tokens(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _analyst(db)
    old_issue = datetime.now(UTC) - timedelta(minutes=5)
    async with db.connect() as conn:
        user = await repository.get_by_email(conn, "ana@example.com")
    assert user is not None
    old_token = create_access_token(
        str(user.id), TEST_SECRET, timedelta(hours=1), now=old_issue
    )
    async with db.begin() as conn:
        await set_password(conn, "ana@example.com", "a-new-password-1")

    old = await client.get(
        "/api/customers", headers={"Authorization": f"Bearer {old_token}"}
    )
    fresh = await client.get(
        "/api/customers",
        headers=await login(client, "ana@example.com", "a-new-password-1"),
    )

    assert old.status_code == 401
    assert old.json()["error"]["code"] == "token_expired"
    assert fresh.status_code == 200


async def test_failed_logins_throttled(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _analyst(db)
    wrong = {"email": "ana@example.com", "password": "wrong-password"}

    statuses = [
        (await client.post("/api/account/login", json=wrong)).status_code
        for _ in range(10)
    ]
    blocked = await client.post(
        "/api/account/login",
        json={"email": "ANA@example.com", "password": factories.PASSWORD},
    )

    assert statuses == [401] * 10
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "too_many_attempts"


async def test_health_answers_head(client: httpx.AsyncClient, db: AsyncEngine) -> None:
    response = await client.head("/api/health")

    assert response.status_code == 200


async def test_too_long_password_not_echoed(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    await _analyst(db)
    password = "s3cret-" * 200

    response = await client.post(
        "/api/account/login", json={"email": "ana@example.com", "password": password}
    )

    assert response.status_code == 422
    assert "s3cret" not in response.text


async def test_token_form_over_limit_is_413_unread(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    # A form's file parts would be spooled to disk, although the endpoint ignores them.
    boundary = "token-test-boundary"
    body = CountingBody(
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'
        ).encode()
        + b"x" * (5 * SMALL_BODY_LIMIT)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(len(body.data)),
    }

    response = await client.post(
        "/api/auth/token", headers=headers, content=body.stream()
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert body.sent == 0


async def test_login_chunked_body_over_limit_is_413(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    padding = "x" * (5 * SMALL_BODY_LIMIT)
    body = CountingBody(
        f'{{"email": "ana@example.com", "password": "{padding}"}}'.encode()
    )

    response = await client.post(
        "/api/account/login",
        headers={"Content-Type": "application/json"},
        content=body.stream(),
    )

    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "payload_too_large"
    assert f"{SMALL_BODY_LIMIT} bytes" in error["message"]
    assert body.sent <= SMALL_BODY_LIMIT + body.chunk_size

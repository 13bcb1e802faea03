"""Routing errors and malformed bodies, with and without the built dashboard."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from creatives.config import Settings
from creatives.main import create_app
from tests.conftest import TEST_SECRET

INDEX_HTML = "<!doctype html><title>Creatives</title>"


@pytest.fixture
def dashboard_app(database_url: str, tmp_path: Path) -> FastAPI:
    """Build the app with a minimal dashboard build, as `make run` serves it."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX_HTML)
    (dist / "favicon.svg").write_text("<svg/>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        jwt_secret_key=TEST_SECRET,
        integration_interval_seconds=0,
        frontend_dir=dist,
    )
    return create_app(settings)


@pytest.fixture
async def dashboard_client(
    dashboard_app: FastAPI,
) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=dashboard_app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver"
    ) as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/api/account/login", "POST"),
        ("PUT", "/api/account/login", "POST"),
        ("DELETE", "/api/customers", "GET"),
        ("GET", "/api/auth/token", "POST"),
    ],
)
async def test_wrong_method_405_with_dashboard(
    dashboard_client: httpx.AsyncClient, method: str, path: str, allowed: str
) -> None:
    response = await dashboard_client.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    error = response.json()["error"]
    assert error["code"] == "method_not_allowed"
    assert error["message"] == (
        f"Method {method} is not allowed on {path}. Use {allowed}."
    )


async def test_wrong_method_405_without_dashboard(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/account/login")

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"


async def test_unknown_api_path_404(dashboard_client: httpx.AsyncClient) -> None:
    response = await dashboard_client.get("/api/nothing/here")

    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"] == "No API endpoint at /api/nothing/here."


async def test_client_route_serves_index(
    dashboard_client: httpx.AsyncClient,
) -> None:
    response = await dashboard_client.get("/customers/23/creatives")

    assert response.status_code == 200
    assert response.text == INDEX_HTML
    assert response.headers["cache-control"] == "no-cache"


async def test_dashboard_files_served(dashboard_client: httpx.AsyncClient) -> None:
    favicon = await dashboard_client.get("/favicon.svg")
    script = await dashboard_client.get("/assets/app.js")
    missing_script = await dashboard_client.get("/assets/missing.js")

    assert favicon.status_code == 200
    assert favicon.text == "<svg/>"
    assert script.status_code == 200
    assert script.text == "console.log(1)"
    assert missing_script.status_code == 404


async def test_post_to_client_route_404(dashboard_client: httpx.AsyncClient) -> None:
    response = await dashboard_client.post("/customers/23/creatives")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "body", [b"{not json", b'{"email": "ana@example.com", "password": ', b"\xff"]
)
async def test_login_invalid_json_422(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post(
        "/api/account/login",
        content=body,
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"].startswith("The request body is not valid JSON (")
    assert 'a JSON object with the keys "email", "password"' in error["message"]
    assert error["fields"] == [{"field": "body", "message": error["message"]}]


async def test_token_form_not_described_as_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/token",
        content=b"username=ana%40example.com&password=",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 422
    assert "JSON" not in response.json()["error"]["message"]


async def test_login_form_body_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/account/login",
        content=b"email=ana%40example.com&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert message.startswith(
        "The request body is not valid JSON "
        "(Content-Type is application/x-www-form-urlencoded)."
    )
    assert 'a JSON object with the keys "email", "password"' in message

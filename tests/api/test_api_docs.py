"""The OpenAPI pages load everything from the server itself."""

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine


def _assets(page: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["']?([^"' >]+)""", page)


async def test_swagger_ui_needs_no_cdn(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    page = await client.get("/docs")

    assert page.status_code == 200
    assets = _assets(page.text)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    assert any(asset.endswith("swagger-ui.css") for asset in assets)
    assert all(asset.startswith("/") for asset in assets), assets
    for asset in assets:
        response = await client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 1000, asset


async def test_swagger_ui_points_authorize_at_token_flow(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    page = await client.get("/docs")
    redirect = await client.get("/docs/oauth2-redirect")
    schema = (await client.get("/openapi.json")).json()

    assert "/docs/oauth2-redirect" in page.text
    assert redirect.status_code == 200
    flows = schema["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]
    assert flows["password"]["tokenUrl"] == "/api/auth/token"


async def test_redoc_needs_no_cdn(client: httpx.AsyncClient, db: AsyncEngine) -> None:
    page = await client.get("/redoc")

    assert page.status_code == 200
    assets = _assets(page.text)
    assert any(asset.endswith("redoc.standalone.js") for asset in assets)
    assert all(asset.startswith("/") for asset in assets), assets

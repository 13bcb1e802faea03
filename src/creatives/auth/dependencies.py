"""Request dependencies: the signed-in user and the settings."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from creatives.auth import service
from creatives.auth.repository import UserRecord
from creatives.config import Settings
from creatives.database import DbConnection
from creatives.errors import NotAuthenticatedError

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_app_settings)]


async def get_current_user(
    conn: DbConnection,
    settings: AppSettings,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> UserRecord:
    return await service.user_from_token(conn, _required(token), settings)


async def check_bearer_token(request: Request) -> int:
    """Check the Bearer token in the request's headers and return its user id.

    For a route that must reject a request before reading its body, which happens before
    FastAPI resolves any dependency. `get_current_user` looks up the account later.
    """
    token = _required(await oauth2_scheme(request))
    return service.token_claims(token, get_app_settings(request)).user_id


def _required(token: str | None) -> str:
    if not token:
        raise NotAuthenticatedError(
            "Log in first: this endpoint needs a Bearer access token."
        )
    return token


CurrentUser = Annotated[UserRecord, Depends(get_current_user)]

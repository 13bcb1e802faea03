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
    if not token:
        raise NotAuthenticatedError(
            "Log in first: this endpoint needs a Bearer access token."
        )
    return await service.user_from_token(conn, token, settings)


CurrentUser = Annotated[UserRecord, Depends(get_current_user)]

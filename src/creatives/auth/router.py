"""Account endpoints: JSON login, the OAuth2 password flow and the current user."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from creatives.auth import service
from creatives.auth.dependencies import AppSettings, CurrentUser
from creatives.auth.schemas import (
    LoginRequest,
    LoginResponse,
    MyAccountResponse,
    TokenResponse,
)
from creatives.body_guard import SmallBodyRoute
from creatives.database import DbConnection
from creatives.errors import ErrorResponse

router = APIRouter(tags=["account"], route_class=SmallBodyRoute)

AUTH_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorResponse, "description": "Wrong email or password"},
    403: {"model": ErrorResponse, "description": "Account disabled"},
    413: {"model": ErrorResponse, "description": "The body is larger than 64 KB"},
    429: {
        "model": ErrorResponse,
        "description": "Too many failed logins for this email",
    },
}


@router.post(
    "/api/account/login",
    response_model=LoginResponse,
    response_model_by_alias=True,
    responses=AUTH_ERRORS,
    operation_id="login",
)
async def login(
    body: LoginRequest, conn: DbConnection, settings: AppSettings, request: Request
) -> LoginResponse:
    """Exchange an email and password for an access token."""
    throttle = request.app.state.login_throttle
    return await service.login(conn, body.email, body.password, settings, throttle)


@router.post(
    "/api/auth/token",
    response_model=TokenResponse,
    responses=AUTH_ERRORS,
    operation_id="token",
)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    conn: DbConnection,
    settings: AppSettings,
    request: Request,
) -> TokenResponse:
    """OAuth2 password flow: `username` is the email. Used by the Authorize button of /docs."""
    throttle = request.app.state.login_throttle
    response = await service.login(
        conn, form.username, form.password, settings, throttle
    )
    return TokenResponse(
        access_token=response.access_token, expires_in=response.expires_in
    )


@router.get(
    "/api/account/my-account",
    response_model=MyAccountResponse,
    responses={401: {"model": ErrorResponse}},
    operation_id="myAccount",
)
async def my_account(user: CurrentUser, conn: DbConnection) -> MyAccountResponse:
    """Return the signed-in user with the customers they may see."""
    return MyAccountResponse(user=await service.public_user(conn, user))

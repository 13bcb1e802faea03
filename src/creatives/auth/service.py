"""Login, token checks and user administration."""

import re
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.auth import repository
from creatives.auth.repository import UserRecord
from creatives.auth.schemas import LoginResponse, UserPublic
from creatives.auth.security import (
    create_access_token,
    decode_access_token,
    hash_password,
    verify_password,
)
from creatives.auth.throttle import LoginThrottle
from creatives.config import Settings
from creatives.customers import repository as customer_repository
from creatives.errors import (
    AccountDisabledError,
    ConflictError,
    InvalidCredentialsError,
    NotAuthenticatedError,
    NotFoundError,
    TokenExpiredError,
)
from creatives.logging import get_logger

log = get_logger(__name__)

ROLES = ("admin", "analyst")
MAX_USER_ID = 2**63 - 1  # users.id is a PostgreSQL bigint
MIN_PASSWORD_LENGTH = 8
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


async def authenticate(conn: AsyncConnection, email: str, password: str) -> UserRecord:
    """Return the user whose password matches; unknown emails and wrong passwords look alike."""
    user = await repository.get_by_email(conn, email)
    if (
        not verify_password(password, user.password_hash if user else None)
        or user is None
    ):
        log.info("login_failed", reason="invalid_credentials")
        raise InvalidCredentialsError("Email or password is incorrect.")
    if not user.is_active:
        log.info("login_failed", reason="account_disabled", user_id=user.id)
        raise AccountDisabledError(
            "This account is disabled. Ask an administrator to enable it."
        )
    log.info("login_succeeded", user_id=user.id)
    return user


def issue_token(user: UserRecord, settings: Settings) -> str:
    lifetime = timedelta(minutes=settings.access_token_minutes)
    return create_access_token(str(user.id), settings.jwt_secret_key, lifetime)


class TokenClaims(NamedTuple):
    """The claims of a verified access token that the API reads."""

    user_id: int
    issued_at: int


def token_claims(token: str, settings: Settings) -> TokenClaims:
    """Check a token's signature, expiry and subject without the database.

    Raise a 401 error that names the problem. `user_from_token` also looks up the account.
    """
    claims = decode_access_token(
        token, settings.jwt_secret_key, settings.jwt_leeway_seconds
    )
    invalid = "The access token is invalid. Log in again."
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError) as error:
        raise NotAuthenticatedError(invalid) from error
    if not 0 < user_id <= MAX_USER_ID:
        raise NotAuthenticatedError(invalid)
    return TokenClaims(user_id, claims["iat"])


async def user_from_token(
    conn: AsyncConnection, token: str, settings: Settings
) -> UserRecord:
    claims = token_claims(token, settings)
    user = await repository.get_by_id(conn, claims.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticatedError(
            "The account of this token no longer exists or is disabled."
        )
    if claims.issued_at < int(user.password_changed_at.timestamp()):
        raise TokenExpiredError("The password changed after this login. Log in again.")
    return user


async def public_user(conn: AsyncConnection, user: UserRecord) -> UserPublic:
    customers = await customer_repository.list_for_user(conn, user.id)
    return UserPublic(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        customers=customers,
    )


async def login(
    conn: AsyncConnection,
    email: str,
    password: str,
    settings: Settings,
    throttle: LoginThrottle,
) -> LoginResponse:
    await throttle.check(email)
    try:
        user = await authenticate(conn, email, password)
    except InvalidCredentialsError:
        await throttle.record_failure(email)
        raise
    return LoginResponse(
        access_token=issue_token(user, settings),
        expires_in=settings.access_token_minutes * 60,
        user=await public_user(conn, user),
    )


async def add_user(
    conn: AsyncConnection,
    email: str,
    display_name: str,
    password: str,
    role: str,
    customer_ids: list[str],
) -> int:
    """Create a user with access to `customer_ids`; the caller commits."""
    if role not in ROLES:
        raise ValueError(f"role {role!r} is invalid; use one of: {', '.join(ROLES)}")
    if not EMAIL_PATTERN.fullmatch(email.strip()):
        raise ValueError(
            f"email {email!r} is invalid; use an address such as ana@example.com"
        )
    if not display_name.strip():
        raise ValueError("the display name is empty; pass --name with the user's name")
    check_password(password)
    if await repository.get_by_email(conn, email) is not None:
        raise ConflictError(f"A user with email {email!r} already exists.")
    for customer_id in customer_ids:
        if await customer_repository.get(conn, customer_id) is None:
            raise NotFoundError(
                f"Customer {customer_id!r} does not exist. Add it first."
            )
    user_id = await repository.insert_user(
        conn, email, display_name, hash_password(password), role
    )
    await repository.grant_customers(conn, user_id, customer_ids)
    log.info("user_created", user_id=user_id, role=role, customers=customer_ids)
    return user_id


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(
            f"the password has {len(password)} characters; use at least {MIN_PASSWORD_LENGTH}"
        )


async def set_password(conn: AsyncConnection, email: str, password: str) -> None:
    check_password(password)
    user = await repository.get_by_email(conn, email)
    if user is None:
        raise NotFoundError(f"No user has email {email!r}.")
    await repository.set_password_hash(conn, user.id, hash_password(password))
    log.info("password_changed", user_id=user.id)

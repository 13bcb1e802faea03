"""Password hashing (argon2 via pwdlib) and access tokens (JWT, HS256)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from creatives.errors import NotAuthenticatedError, TokenExpiredError

ALGORITHM = "HS256"
_password_hash = PasswordHash((Argon2Hasher(),))
# Verifying against this keeps the time of a login with an unknown email close to a real check.
_DUMMY_HASH = _password_hash.hash("timing-equaliser")


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _password_hash.verify(password, _DUMMY_HASH)
        return False
    return _password_hash.verify(password, password_hash)


def create_access_token(
    subject: str, secret: str, lifetime: timedelta, now: datetime | None = None
) -> str:
    """Sign a token whose `iat` and `exp` are whole UTC seconds `lifetime` apart."""
    issued_at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    claims = {"sub": subject, "iat": issued_at, "exp": issued_at + lifetime}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(token: str, secret: str, leeway_seconds: int) -> dict[str, Any]:
    """Return the claims of a valid token, or raise a 401 error naming what is wrong."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            leeway=leeway_seconds,
            options={"require": ["sub", "iat", "exp"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise TokenExpiredError("The session has expired. Log in again.") from error
    except jwt.InvalidTokenError as error:
        raise NotAuthenticatedError(
            "The access token is invalid. Log in again."
        ) from error
    return claims

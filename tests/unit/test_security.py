import os
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from creatives.auth.security import (
    ALGORITHM,
    create_access_token,
    decode_access_token,
    hash_password,
    verify_password,
)
from creatives.config import InsecureSecretError, Settings
from creatives.errors import NotAuthenticatedError, TokenExpiredError

SECRET = "s" * 48


@pytest.fixture
def kolkata_time_zone() -> Iterator[None]:
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Kolkata"
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


def test_token_lifetime_exact_under_kolkata(kolkata_time_zone: None) -> None:
    token = create_access_token("7", SECRET, timedelta(minutes=60))

    claims = decode_access_token(token, SECRET, leeway_seconds=0)

    assert time.localtime().tm_gmtoff == 5 * 3600 + 1800
    assert claims["exp"] - claims["iat"] == 3600
    assert abs(claims["iat"] - datetime.now(UTC).timestamp()) < 5


def test_expired_token_rejected() -> None:
    issued = datetime.now(UTC) - timedelta(hours=2)
    token = create_access_token("7", SECRET, timedelta(minutes=60), now=issued)

    with pytest.raises(TokenExpiredError):
        decode_access_token(token, SECRET, leeway_seconds=10)


def test_leeway_accepts_just_expired_token() -> None:
    issued = datetime.now(UTC) - timedelta(minutes=60, seconds=3)
    token = create_access_token("7", SECRET, timedelta(minutes=60), now=issued)

    assert decode_access_token(token, SECRET, leeway_seconds=10)["sub"] == "7"


def test_unsigned_alg_none_token_rejected() -> None:
    now = int(time.time())
    token = jwt.encode(
        {"sub": "7", "iat": now, "exp": now + 600}, key=None, algorithm="none"
    )

    with pytest.raises(NotAuthenticatedError):
        decode_access_token(token, SECRET, leeway_seconds=10)


def test_token_from_other_secret_rejected() -> None:
    token = create_access_token("7", "o" * 48, timedelta(minutes=5))

    with pytest.raises(NotAuthenticatedError):
        decode_access_token(token, SECRET, leeway_seconds=10)


def test_token_without_exp_rejected() -> None:
    token = jwt.encode(
        {"sub": "7", "iat": int(time.time())}, SECRET, algorithm=ALGORITHM
    )

    with pytest.raises(NotAuthenticatedError):
        decode_access_token(token, SECRET, leeway_seconds=10)


def test_argon2_hash_round_trip() -> None:
    hashed = hash_password("p4ssword!")

    assert hashed.startswith("$argon2id$")
    assert verify_password("p4ssword!", hashed)
    assert not verify_password("wrong", hashed)
    assert not verify_password("anything", None)


@pytest.mark.parametrize(
    "secret", ["", "   ", "changeme", "secret", "short-but-random-1"]
)
def test_insecure_jwt_secrets_rejected(secret: str) -> None:
    settings = Settings(jwt_secret_key=secret, _env_file=None)  # type: ignore[call-arg]

    with pytest.raises(InsecureSecretError, match="JWT_SECRET_KEY"):
        settings.check_jwt_secret()


def test_random_jwt_secret_accepted() -> None:
    Settings(
        jwt_secret_key=secrets.token_urlsafe(48), _env_file=None
    ).check_jwt_secret()  # type: ignore[call-arg]

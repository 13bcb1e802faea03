import secrets
import time
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


@pytest.mark.parametrize(
    "secret",
    [
        "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
        "09D25E094FAA6CA2556C818166B7A9563B93F7099F6F0F4CAA6CF63B88E8D3E7",
        "a-string-secret-at-least-256-bits-long",
    ],
)
def test_tutorial_sample_secrets_rejected(secret: str) -> None:
    settings = Settings(jwt_secret_key=secret, _env_file=None)  # type: ignore[call-arg]

    with pytest.raises(InsecureSecretError) as caught:
        settings.check_jwt_secret()

    assert "JWT_SECRET_KEY is a well-known value" in str(caught.value)
    assert "secrets.token_urlsafe(48)" in str(caught.value)


@pytest.mark.parametrize(
    ("secret", "word"),
    [
        ("super-secret-key-change-me-in-production", "changeme"),
        ("Q8vZ1xK4pL7mN2bR-CHANGEME-t5yH3jD6sF9gA0", "changeme"),
        ("prod_jwt_secret_change_me_9f8e7d6c5b4a3", "changeme"),
        ("please change this to a long random value", "changethis"),
        ("your-secret-key-with-at-least-32-characters", "yoursecret"),
        ("replace-me-with-the-output-of-token-urlsafe", "replaceme"),
        ("an-example-jwt-signing-key-for-the-readme", "example"),
        ("django-insecure-7x!k2#m9q@w4e8r1t6y3u0i5o", "insecure"),
    ],
)
def test_placeholder_secrets_rejected(secret: str, word: str) -> None:
    settings = Settings(jwt_secret_key=secret, _env_file=None)  # type: ignore[call-arg]

    with pytest.raises(InsecureSecretError) as caught:
        settings.check_jwt_secret()

    assert f"JWT_SECRET_KEY is a placeholder (it contains {word!r})" in str(
        caught.value
    )
    assert "secrets.token_urlsafe(48)" in str(caught.value)


def test_random_jwt_secret_accepted() -> None:
    Settings(
        jwt_secret_key=secrets.token_urlsafe(48), _env_file=None
    ).check_jwt_secret()  # type: ignore[call-arg]

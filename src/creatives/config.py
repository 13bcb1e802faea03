"""Settings read from the environment or `.env` (pydantic-settings)."""

import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Secrets that appear in tutorials and templates; a server using one is as open as one with none.
WELL_KNOWN_SECRETS = frozenset(
    {
        "changeme",
        "change-me",
        "changethis",
        "secret",
        "jwt-secret",
        "jwt_secret",
        "your-secret-key",
        "supersecret",
        "password",
        "test",
        # The HS256 sample key of FastAPI's OAuth2 with JWT tutorial.
        "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
        # The HS256 sample secrets of the jwt.io debugger, the older one and the newer.
        "your-256-bit-secret",
        "a-string-secret-at-least-256-bits-long",
    }
)
# Words that mark a value written to be replaced, or labelled unsafe as Django's generated
# "django-insecure-" keys are. They are matched after dropping case, whitespace and the
# separators - _ . so "Change_Me" and "change me" both match "changeme".
PLACEHOLDER_WORDS = (
    "changeme",
    "changethis",
    "changeit",
    "replaceme",
    "replacethis",
    "yoursecret",
    "example",
    "placeholder",
    "insecure",
)
MIN_SECRET_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 12


def _is_repeated(secret: str) -> bool:
    """Tell whether the secret is one short piece written again and again."""
    for size in range(1, len(secret) // 2 + 1):
        if len(secret) % size == 0 and secret[:size] * (len(secret) // size) == secret:
            return True
    return False


def placeholder_word(secret: str) -> str | None:
    """Return the placeholder word the secret contains, or None."""
    squeezed = re.sub(r"[-_.\s]", "", secret.lower())
    for word in PLACEHOLDER_WORDS:
        if word in squeezed:
            return word
    return None


class InsecureSecretError(ValueError):
    """The JWT secret is empty, short or well known."""


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as an environment variable."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str | None = Field(
        default=None,
        description="PostgreSQL URL; when unset, an embedded server runs under data_dir.",
    )
    data_dir: Path = Field(
        default=Path(".data"), description="Folder of the embedded PostgreSQL."
    )
    jwt_secret_key: str = Field(
        default="", description="HMAC key that signs access tokens."
    )
    access_token_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    jwt_leeway_seconds: int = Field(default=10, ge=0, le=300)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_format: str = Field(default="console", pattern="^(console|json)$")
    log_level: str = "INFO"
    frontend_dir: Path = Field(default=Path("frontend/dist"))
    integration_interval_seconds: float = Field(
        default=300,
        ge=0,
        description="Seconds between attribution runs over new pixel events; 0 turns them off.",
    )
    dashboard_statement_timeout_seconds: float = Field(
        default=60,
        ge=0,
        description="Maximum seconds one dashboard query may run before the database "
        "cancels it and the API responds with 503; 0 turns the limit off.",
    )
    demo_email: str = "demo@creatives.local"
    demo_password: str = "demo-password"
    pixel_rate_limit_per_ip: str = Field(
        default="100/second",
        description="Requests per client IP to the collector, in `limits` notation, counted "
        "by each worker process on its own.",
    )
    pixel_rate_limit_per_site: str = Field(
        default="5000/second",
        description="Requests per site key to the collector, in `limits` notation, counted "
        "by each worker process on its own.",
    )
    pixel_batch_delay_ms: float = Field(
        default=2.0,
        ge=0,
        le=1000,
        description="How long the batch writer gathers events before a flush, in ms.",
    )
    pixel_demo_site_key: str | None = Field(
        default=None, description="Site key the demo shop under /demo-shop/ reports to."
    )
    pixel_demo_ad_id_param: str = "ad_id"
    pixel_batch_max_events: int = Field(default=5000, ge=1, le=100_000)
    import_max_upload_mb: int = Field(
        default=200,
        ge=1,
        description="Largest file the upload endpoint accepts, in MB (2**20 bytes); "
        "larger files are imported with the `creatives import` command.",
    )
    pixel_queue_max_events: int = Field(
        default=50_000,
        ge=1,
        description="Events waiting for a flush; past this the collector responds with 503.",
    )

    @field_validator("database_url")
    @classmethod
    def empty_url_is_unset(cls, value: str | None) -> str | None:
        return value or None

    def check_jwt_secret(self) -> None:
        """Raise when the token secret would let anyone forge a login."""
        secret = self.jwt_secret_key.strip()
        hint = (
            "Set JWT_SECRET_KEY in the environment or in .env to a random value, for example "
            "the output of: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
        if not secret:
            raise InsecureSecretError(f"JWT_SECRET_KEY is empty. {hint}")
        if secret.lower() in WELL_KNOWN_SECRETS:
            raise InsecureSecretError(f"JWT_SECRET_KEY is a well-known value. {hint}")
        word = placeholder_word(secret)
        if word is not None:
            raise InsecureSecretError(
                f"JWT_SECRET_KEY is a placeholder (it contains {word!r}), not a secret. "
                f"{hint}"
            )
        if len(set(secret)) < MIN_DISTINCT_CHARACTERS or _is_repeated(secret):
            raise InsecureSecretError(
                f"JWT_SECRET_KEY repeats a few characters; it must be random. {hint}"
            )
        if len(secret) < MIN_SECRET_LENGTH:
            raise InsecureSecretError(
                f"JWT_SECRET_KEY has {len(secret)} characters; at least "
                f"{MIN_SECRET_LENGTH} are needed. {hint}"
            )


@lru_cache
def get_settings() -> Settings:
    return Settings()

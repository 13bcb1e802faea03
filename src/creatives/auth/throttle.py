"""Failed-login throttling per email, so a password cannot be guessed at argon2's pace."""

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from creatives.errors import AppError

FAILED_LOGINS = parse("10/15 minutes")


class TooManyAttemptsError(AppError):
    status_code = 429
    code = "too_many_attempts"


class LoginThrottle:
    """Count failed logins per email in memory; one server process keeps its own counts."""

    def __init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def check(self, email: str) -> None:
        key = email.strip().lower()
        if not await self._limiter.test(FAILED_LOGINS, "login", key):
            raise TooManyAttemptsError(
                "Too many failed logins for this email. Wait 15 minutes and try again, "
                "or ask an administrator to reset the password."
            )

    async def record_failure(self, email: str) -> None:
        await self._limiter.hit(FAILED_LOGINS, "login", email.strip().lower())

"""HMAC-SHA256 signatures of server-to-server calls.

The sender signs `{timestamp}.{raw body}` with the customer's secret and sends the hex digest
in `X-Creatives-Signature` and the Unix time in `X-Creatives-Timestamp`. A signature older
or newer than five minutes is rejected, so a captured request cannot be replayed later. A
replay within the window stores nothing new, because every server event carries an
event_id.
"""

import hashlib
import hmac

MAX_SKEW_SECONDS = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def check(
    secret: str, timestamp: str, signature: str, body: bytes, now: float
) -> str | None:
    """Return why the signature is not acceptable, or None when it is."""
    if not timestamp.isdigit():
        return (
            f"X-Creatives-Timestamp {timestamp[:20]!r} is not a Unix time in seconds."
        )
    if abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        return (
            f"X-Creatives-Timestamp is more than {MAX_SKEW_SECONDS} s away from the "
            "server's clock; sign the request again with the current time."
        )
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected, signature.removeprefix("sha256=").lower()):
        return "X-Creatives-Signature does not match the body and timestamp."
    return None

"""Fixed-window request counters per key, kept in the memory of one worker process.

The limits use the `limits` package's syntax (`100/second`, `5000/minute`) but are counted
here, with a dict lookup per request and no await or lock. Each worker process counts on
its own, so with N workers a client may get up to N times the limit: the kernel spreads
connections over the workers, and a keep-alive connection stays with one worker.
"""

import time

from limits import parse


class WindowLimiter:
    """At most `amount` hits per key in a window of `seconds` that starts at the key's first hit."""

    def __init__(self, limit: str) -> None:
        item = parse(limit)
        self.amount = item.amount
        self.seconds = float(item.get_expiry())
        self._windows: dict[str, list[float]] = {}
        self._swept_at = float("-inf")

    def hit(self, key: str, now: float | None = None) -> bool:
        """Count one request for `key`; return False when it is over the limit."""
        if now is None:
            now = time.monotonic()
        if now - self._swept_at >= self.seconds:
            self._sweep(now)
        window = self._windows.get(key)
        if window is None or now - window[0] >= self.seconds:
            self._windows[key] = [now, 1.0]
            return self.amount >= 1
        window[1] += 1
        return window[1] <= self.amount

    def _sweep(self, now: float) -> None:
        # Forgetting expired windows bounds memory by the keys seen in one window.
        self._windows = {
            key: window
            for key, window in self._windows.items()
            if now - window[0] < self.seconds
        }
        self._swept_at = now

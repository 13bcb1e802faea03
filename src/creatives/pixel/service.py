"""The collector pipeline: rate limits, site lookup, privacy, validation, then the writer.

Each step that drops events names a reason; the reasons are counted in Prometheus and,
per day and customer, in the `pixel_drops` table.
"""

import asyncio
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from urllib.parse import urlsplit

import asyncpg
from prometheus_client import Counter as PrometheusCounter

from creatives.logging import get_logger
from creatives.pixel import repository
from creatives.pixel.batcher import BatchWriter
from creatives.pixel.metrics import EVENTS_ACCEPTED, EVENTS_DROPPED
from creatives.pixel.privacy import (
    DailySalt,
    detect_bot,
    sends_privacy_signal,
    visitor_hash,
)
from creatives.pixel.rate_limit import WindowLimiter
from creatives.pixel.repository import SiteRecord
from creatives.pixel.validation import (
    EventRejected,
    EventRow,
    RequestContext,
    validate_event,
)

log = get_logger(__name__)

SITE_CACHE_SECONDS = 30.0
SITE_MISS_REFRESH_SECONDS = 2.0
DROP_FLUSH_SECONDS = 5.0


class RateLimitedError(Exception):
    """Too many requests from one IP or for one site key."""

    def __init__(self, scope: str) -> None:
        super().__init__(f"Too many requests for this {scope}; slow down.")
        self.scope = scope


@dataclass(frozen=True)
class RequestInfo:
    """Request facts the collector needs besides the events: client IP, headers, receive time."""

    ip: str
    headers: Mapping[str, str]
    received_at: datetime


@dataclass
class Rejection:
    index: int
    reason: str
    message: str


@dataclass
class CollectResult:
    stored: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        """One word for the GIF's result header: stored, duplicate or the first reason."""
        if self.stored:
            return "stored"
        if self.duplicates:
            return "duplicate"
        return self.rejected[0].reason if self.rejected else "empty"


class SiteCache:
    """Pixel sites by public key, reloaded every 30 s and on an unknown key (at most every 2 s)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._by_key: dict[str, SiteRecord] = {}
        self._by_customer: dict[str, SiteRecord] = {}
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    def fresh(self, site_key: str) -> SiteRecord | None:
        """Return the cached site of a key without awaiting, or None when a lookup is due."""
        if time.monotonic() - self._loaded_at < SITE_CACHE_SECONDS:
            return self._by_key.get(site_key)
        return None

    async def by_key(self, site_key: str) -> SiteRecord | None:
        await self._refresh(SITE_CACHE_SECONDS)
        site = self._by_key.get(site_key)
        if site is None:
            await self._refresh(SITE_MISS_REFRESH_SECONDS)
            site = self._by_key.get(site_key)
        return site

    async def by_customer(self, customer_id: str) -> SiteRecord | None:
        await self._refresh(SITE_CACHE_SECONDS)
        site = self._by_customer.get(customer_id)
        if site is None:
            await self._refresh(SITE_MISS_REFRESH_SECONDS)
            site = self._by_customer.get(customer_id)
        return site

    async def _refresh(self, max_age: float) -> None:
        if time.monotonic() - self._loaded_at < max_age:
            return
        async with self._lock:
            if time.monotonic() - self._loaded_at < max_age:
                return
            async with self._pool.acquire() as conn:
                sites = await repository.list_sites(conn)
            self._by_key = {site.site_key: site for site in sites}
            self._by_customer = {site.config.customer_id: site for site in sites}
            self._loaded_at = time.monotonic()


def request_origin(headers: Mapping[str, str]) -> str | None:
    """Return the sending page's origin: the Origin header, else the origin of the Referer."""
    origin = headers.get("origin")
    if origin and origin != "null":
        return origin.rstrip("/").lower()
    referer = headers.get("referer")
    if not referer:
        return None
    parts = urlsplit(referer)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def origin_allowed(site: SiteRecord, headers: Mapping[str, str]) -> bool:
    """Check the site's allowed origins. An empty list, or a request with neither header, passes."""
    if not site.allowed_origins:
        return True
    origin = request_origin(headers)
    return origin is None or origin in site.allowed_origins


@cache
def accepted_counter(source: str) -> PrometheusCounter:
    # `labels()` takes a lock and builds a key on every call; the children never change.
    return EVENTS_ACCEPTED.labels(source)


@cache
def dropped_counter(reason: str) -> PrometheusCounter:
    return EVENTS_DROPPED.labels(reason)


class Collector:
    def __init__(
        self,
        pool: asyncpg.Pool,
        writer: BatchWriter,
        *,
        rate_per_ip: str,
        rate_per_site: str,
    ) -> None:
        self.pool = pool
        self.writer = writer
        self.sites = SiteCache(pool)
        self._salt = DailySalt(self._fetch_salt)
        self._ip_limiter = WindowLimiter(rate_per_ip)
        self._site_limiter = WindowLimiter(rate_per_site)
        self._drops: Counter[tuple[str, str]] = Counter()
        self._drop_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.writer.start()
        self._drop_task = asyncio.create_task(self.flush_drops_forever())

    async def stop(self) -> None:
        await self.writer.stop()
        if self._drop_task is not None:
            self._drop_task.cancel()
        await self.flush_drops()

    def check_ip_rate(self, ip: str) -> None:
        if not self._ip_limiter.hit(ip):
            self.drop("", "rate_limited_ip")
            raise RateLimitedError("client IP")

    def drop(self, customer_id: str, reason: str, events: int = 1) -> None:
        dropped_counter(reason).inc(events)
        self._drops[(customer_id, reason)] += events

    async def collect(
        self, events: Sequence[Mapping[str, object]], info: RequestInfo, source: str
    ) -> CollectResult:
        """Validate browser events (grouped by site key) and store them; await the commit."""
        result = CollectResult()
        groups: dict[str, list[tuple[int, Mapping[str, object]]]] = {}
        for index, event in enumerate(events):
            groups.setdefault(str(event.get("site_key") or ""), []).append(
                (index, event)
            )
        for site_key, indexed in groups.items():
            site = None
            if site_key:
                site = self.sites.fresh(site_key) or await self.sites.by_key(site_key)
            reason = self._site_drop_reason(site, site_key, info)
            if reason is not None:
                customer = site.config.customer_id if site else ""
                self._reject_all(result, indexed, customer, reason)
                continue
            assert site is not None
            context = await self._context(site, info, source)
            await self._validate_and_store(site, indexed, context, result)
        return result

    async def collect_server(
        self,
        site: SiteRecord,
        events: Sequence[Mapping[str, object]],
        received_at: datetime,
    ) -> CollectResult:
        """Store server-to-server events of a signed request (no IP, no browser checks)."""
        result = CollectResult()
        context = RequestContext(received_at=received_at, source="server")
        await self._validate_and_store(site, list(enumerate(events)), context, result)
        return result

    def _site_drop_reason(
        self, site: SiteRecord | None, site_key: str, info: RequestInfo
    ) -> str | None:
        if site is None:
            return "missing_site_key" if not site_key else "unknown_site_key"
        if not self._site_limiter.hit(site.site_key):
            self.drop(site.config.customer_id, "rate_limited_site")
            raise RateLimitedError("site key")
        if not origin_allowed(site, info.headers):
            return "origin_not_allowed"
        if site.honor_privacy_signals and sends_privacy_signal(info.headers):
            return "privacy_signal"
        return None

    async def _context(
        self, site: SiteRecord, info: RequestInfo, source: str
    ) -> RequestContext:
        user_agent = info.headers.get("user-agent") or None
        salt = self._salt.cached(info.received_at) or await self._salt.for_time(
            info.received_at
        )
        bot_name = detect_bot(user_agent)
        return RequestContext(
            received_at=info.received_at,
            source=source,
            user_agent=user_agent[:1024] if user_agent else None,
            visitor_hash=visitor_hash(
                salt, site.config.customer_id, info.ip, user_agent or ""
            ),
            is_bot=bot_name is not None,
            bot_name=bot_name,
        )

    async def _validate_and_store(
        self,
        site: SiteRecord,
        indexed: Sequence[tuple[int, Mapping[str, object]]],
        context: RequestContext,
        result: CollectResult,
    ) -> None:
        rows: list[EventRow] = []
        for index, event in indexed:
            try:
                rows.append(validate_event(event, site.config, context))
            except EventRejected as error:
                self.drop(site.config.customer_id, error.reason)
                result.rejected.append(Rejection(index, error.reason, error.message))
        outcomes = await self.writer.submit(rows)
        self.count_outcomes(site.config.customer_id, context.source, outcomes, result)

    def count_outcomes(
        self,
        customer_id: str,
        source: str,
        outcomes: Sequence[str],
        result: CollectResult,
    ) -> None:
        counts = Counter(outcomes)
        stored = counts.pop(repository.OUTCOME_STORED, 0)
        result.stored += stored
        if stored:
            accepted_counter(source).inc(stored)
        for reason, events in counts.items():
            result.duplicates += events
            self.drop(customer_id, reason, events)

    def _reject_all(
        self,
        result: CollectResult,
        indexed: Sequence[tuple[int, Mapping[str, object]]],
        customer_id: str,
        reason: str,
    ) -> None:
        messages = {
            "missing_site_key": "site_key is missing; copy the snippet from `creatives customers pixel`",
            "unknown_site_key": "site_key is not known to this server",
            "origin_not_allowed": "the page's origin is not in the site's allowed origins",
            "privacy_signal": "the browser asked not to be tracked (DNT or GPC)",
        }
        self.drop(customer_id, reason, len(indexed))
        for index, _ in indexed:
            result.rejected.append(Rejection(index, reason, messages[reason]))

    async def _fetch_salt(self, day: date) -> bytes:
        async with self.pool.acquire() as conn:
            return await repository.daily_salt(conn, day)

    async def flush_drops_forever(self) -> None:
        while True:
            await asyncio.sleep(DROP_FLUSH_SECONDS)
            await self.flush_drops()

    async def flush_drops(self) -> None:
        if not self._drops:
            return
        pending, self._drops = self._drops, Counter()
        counts = [(customer, reason, n) for (customer, reason), n in pending.items()]
        try:
            async with self.pool.acquire() as conn:
                await repository.record_drops(conn, datetime.now(UTC).date(), counts)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            # Prometheus still has these counts; the table misses them for this interval.
            log.warning("pixel_drops_not_recorded", error=type(error).__name__)
            return
        log.info("pixel_events_dropped", counts={f"{c}:{r}": n for c, r, n in counts})

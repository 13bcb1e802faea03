"""The batch writer: many concurrent requests share one INSERT and one commit.

A request hands its validated rows to `submit` and awaits a future. The writer task waits
a few milliseconds (or until enough rows are pending), writes everything pending in one
transaction and resolves every future only after COMMIT returned. So an acknowledged event
is always committed, and a failed flush fails every request in it (they return 503, and the
senders retry with the same event ids).
"""

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import asyncpg

from creatives.logging import get_logger
from creatives.pixel import repository
from creatives.pixel.metrics import BATCH_SIZE, FLUSH_SECONDS
from creatives.pixel.validation import EventRow

log = get_logger(__name__)

# Errors that mean "the database cannot take writes now", as opposed to a bug in our SQL.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,
    asyncpg.ReadOnlySQLTransactionError,
    asyncpg.DiskFullError,
)


class WriterUnavailableError(Exception):
    """The events were not stored: the database failed or the queue is full."""

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass
class _Pending:
    rows: Sequence[EventRow]
    future: asyncio.Future[list[str]] = field(repr=False)


@dataclass(frozen=True)
class BatchSettings:
    max_batch_rows: int = 5000
    max_delay_seconds: float = 0.002
    max_pending_rows: int = 50_000
    # After a failed flush, new events are refused at once for this long instead of piling
    # up behind a database that is down.
    unavailable_seconds: float = 1.0
    # Flushes that may run at once, each on its own connection.
    connections: int = 3


class BatchWriter:
    """Gathers rows from concurrent requests and flushes them on up to `connections` slots.

    While one flush waits for PostgreSQL, the next batch gathers and may start on another
    connection, so the database's commit time does not cap the request rate.
    """

    def __init__(
        self,
        connect: Callable[[], Awaitable[asyncpg.Connection]],
        settings: BatchSettings | None = None,
    ) -> None:
        self._connect = connect
        self._settings = settings or BatchSettings()
        self._pending: deque[_Pending] = deque()
        self._pending_rows = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._slots: asyncio.Queue[asyncpg.Connection | None] = asyncio.Queue()
        for _ in range(self._settings.connections):
            self._slots.put_nowait(None)
        self._flushes: set[asyncio.Task[None]] = set()
        self._months: set[date] = set()
        self._unavailable_until = 0.0
        self._stopping = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="pixel-batch-writer")

    async def stop(self) -> None:
        """Flush what is pending, wait for running flushes, then close the connections."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
        if self._flushes:
            await asyncio.gather(*self._flushes)
        while not self._slots.empty():
            conn = self._slots.get_nowait()
            if conn is not None and not conn.is_closed():
                await conn.close()

    async def submit(self, rows: Sequence[EventRow]) -> list[str]:
        """Return each row's outcome once the flush that contains it has committed."""
        if not rows:
            return []
        if self._stopping:
            raise WriterUnavailableError("shutting_down", retry_after=1)
        if time.monotonic() < self._unavailable_until:
            raise WriterUnavailableError("database_unavailable", retry_after=5)
        if self._pending_rows + len(rows) > self._settings.max_pending_rows:
            raise WriterUnavailableError("queue_full", retry_after=1)
        future: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(rows, future))
        self._pending_rows += len(rows)
        self._wake.set()
        return await future

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            if (
                not self._stopping
                and self._pending_rows < self._settings.max_batch_rows
            ):
                await asyncio.sleep(self._settings.max_delay_seconds)
            # Waiting for a free connection lets more rows gather into this batch.
            slot = await self._slots.get()
            batch = self._take_batch()
            if not self._pending:
                self._wake.clear()
            if batch:
                task = asyncio.create_task(self._flush(slot, batch))
                self._flushes.add(task)
                task.add_done_callback(self._flushes.discard)
            else:
                self._slots.put_nowait(slot)
            if self._stopping and not self._pending:
                return

    def _take_batch(self) -> list[_Pending]:
        batch: list[_Pending] = []
        rows = 0
        while self._pending and rows < self._settings.max_batch_rows:
            item = self._pending.popleft()
            batch.append(item)
            rows += len(item.rows)
        self._pending_rows -= rows
        return batch

    async def _flush(
        self, conn: asyncpg.Connection | None, batch: list[_Pending]
    ) -> None:
        rows = [row for item in batch for row in item.rows]
        started = time.perf_counter()
        try:
            if conn is None or conn.is_closed():
                conn = await self._open()
            outcomes = await self._write(conn, rows)
        except UNAVAILABLE_ERRORS as error:
            self._fail(conn, batch, error)
            return
        except Exception as error:
            # A bug or a constraint we did not foresee: fail these requests, keep serving.
            log.exception("pixel_flush_failed", events=len(rows))
            self._reject(batch, WriterUnavailableError(type(error).__name__, 5))
            self._slots.put_nowait(conn)
            return
        self._slots.put_nowait(conn)
        FLUSH_SECONDS.observe(time.perf_counter() - started)
        BATCH_SIZE.observe(len(rows))
        position = 0
        for item in batch:
            count = len(item.rows)
            if not item.future.done():
                item.future.set_result(outcomes[position : position + count])
            position += count

    def _fail(
        self,
        conn: asyncpg.Connection | None,
        batch: list[_Pending],
        error: BaseException,
    ) -> None:
        log.error(
            "pixel_database_unavailable",
            error=type(error).__name__,
            requests=len(batch),
        )
        self._unavailable_until = time.monotonic() + self._settings.unavailable_seconds
        if conn is not None:
            conn.terminate()
        self._slots.put_nowait(None)
        self._reject(batch, WriterUnavailableError("database_unavailable", 5))

    @staticmethod
    def _reject(batch: list[_Pending], error: WriterUnavailableError) -> None:
        for item in batch:
            if not item.future.done():
                item.future.set_exception(error)

    async def _open(self) -> asyncpg.Connection:
        conn = await self._connect()
        await repository.prepare_writer_connection(conn)
        if not self._months:
            self._months = await repository.existing_partitions(conn)
        return conn

    async def _write(self, conn: asyncpg.Connection, rows: list[EventRow]) -> list[str]:
        await self._ensure_partitions(conn, rows)
        outcomes, unique, positions = _first_occurrences(rows)
        not_stored = await repository.insert_events(conn, unique)
        for row, position in zip(unique, positions, strict=True):
            outcome = not_stored.get((row.customer_id, row.event_id))
            if outcome is not None:
                outcomes[position] = outcome
        return outcomes

    async def _ensure_partitions(
        self, conn: asyncpg.Connection, rows: list[EventRow]
    ) -> None:
        months = {(row.event_time.year, row.event_time.month) for row in rows}
        for year, month in sorted(months):
            start = date(year, month, 1)
            if start in self._months:
                continue
            await repository.ensure_partition(conn, start)
            log.info("pixel_partition_created", month=start.isoformat())
            self._months.add(start)


def _first_occurrences(
    rows: list[EventRow],
) -> tuple[list[str], list[EventRow], list[int]]:
    """Drop repeats within one flush: of an event id, and of an event name's order id.

    Returns every row's outcome (`stored` unless the database reports a duplicate), the
    rows to write, and their positions in `rows`. A later copy of an event id, or a later event of the
    same name and order, is a duplicate as it would be in a later flush: the first one wins.
    """
    outcomes: list[str] = []
    unique: list[EventRow] = []
    positions: list[int] = []
    events: set[tuple[str, object]] = set()
    orders: set[tuple[str, str, str]] = set()
    for position, row in enumerate(rows):
        key = (row.customer_id, row.event_id)
        if key in events:
            outcomes.append(repository.OUTCOME_DUPLICATE_EVENT)
            continue
        events.add(key)
        if row.order_id is not None and not row.is_bot:
            order = (row.customer_id, row.event_name, row.order_id)
            if order in orders:
                outcomes.append(repository.OUTCOME_DUPLICATE_ORDER)
                continue
            orders.add(order)
        outcomes.append(repository.OUTCOME_STORED)
        unique.append(row)
        positions.append(position)
    return outcomes, unique, positions

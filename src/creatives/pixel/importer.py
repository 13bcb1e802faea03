"""Replay exported pixel events through the collector's validation and batch writer.

Format `puffy`: daily CSV files with the columns client_id, page_url, referrer, timestamp,
event_name, event_data (JSON) and user_agent. Rules for that export:

- Header drift: `clientId` is read as `client_id`; a file without `referrer` has no referrer.
- Event time: these events keep their own `timestamp`, because this is a replay of
  historical traffic. Live traffic instead takes the server's receive time as event time.
- Event ids are UUIDv5 of the customer and the whole row, so an exact duplicate row is one
  event and running the same import twice stores nothing new.
- Purchases (`checkout_completed`) carry `transaction_id` and `revenue` in event_data; they
  become order_id and value, in the customer's currency. When two purchases share an order
  id, the earlier one (by timestamp) is stored and the later one counts as duplicate_order,
  even when its revenue differs. A revenue of 0 is a valid value.
- Sessions: the export has none, so a session is derived per client id, as pixel.js does,
  ending after 30 minutes without events.
- Rows without a client id are stored with no client and no session: they count as events
  and page views, but cannot be joined to an ad. The report counts them.
- Bots are stored and tagged (is_bot, bot_name), as live bot traffic is.
"""

import csv
import json
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg

from creatives.errors import ValidationFailedError
from creatives.pixel.batcher import BatchSettings, BatchWriter
from creatives.pixel.privacy import detect_bot
from creatives.pixel.repository import OUTCOME_STORED
from creatives.pixel.validation import (
    EventRejected,
    EventRow,
    RequestContext,
    SiteConfig,
    validate_event,
)

FORMATS = ("puffy",)
PUFFY_COLUMNS = ("client_id", "page_url", "timestamp", "event_name", "event_data")
HEADER_ALIASES = {"clientId": "client_id"}
PURCHASE_EVENTS = frozenset({"checkout_completed"})
SESSION_GAP = timedelta(minutes=30)
EVENT_ID_NAMESPACE = uuid.UUID("6f1f7c52-5a1e-4c55-9a34-3f0c8f3b8e11")
CHUNK_EVENTS = 2000


@dataclass(frozen=True)
class SourceRow:
    file: str
    line: int
    fields: dict[str, str]
    timestamp: datetime


@dataclass
class ImportReport:
    """Counts by outcome (stored, duplicate_event, duplicate_order, rejected)."""

    rows: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)
    stored_bots: int = 0
    stored_without_client_id: int = 0
    files: int = 0

    def lines(self) -> list[str]:
        lines = [f"files: {self.files}", f"rows: {self.rows}"]
        lines += [f"{name}: {count}" for name, count in sorted(self.outcomes.items())]
        lines += [
            f"rejected {reason}: {count}"
            for reason, count in sorted(self.rejected.items())
        ]
        lines.append(f"stored bot events: {self.stored_bots}")
        lines.append(
            f"stored events without client id: {self.stored_without_client_id}"
        )
        return lines


def read_puffy(files: list[Path], directory: Path) -> list[SourceRow]:
    """Read the CSV files in the order given, with normalized headers."""
    if not files:
        raise ValidationFailedError(f"{directory} contains no .csv files.")
    rows: list[SourceRow] = []
    for path in files:
        rows.extend(_read_file(path))
    return rows


def _read_file(path: Path) -> Iterator[SourceRow]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [HEADER_ALIASES.get(name, name) for name in reader.fieldnames or []]
        missing = [name for name in PUFFY_COLUMNS if name not in header]
        if missing:
            raise ValidationFailedError(
                f"{path}: missing column(s) {', '.join(missing)}; the puffy format needs "
                f"{', '.join(PUFFY_COLUMNS)} (clientId is read as client_id)."
            )
        reader.fieldnames = header
        for record in reader:
            yield SourceRow(
                path.name,
                reader.line_num,
                record,
                _timestamp(path, reader.line_num, record),
            )


def _timestamp(path: Path, line: int, record: dict[str, str]) -> datetime:
    try:
        moment = datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00"))
    except ValueError as error:
        raise ValidationFailedError(
            f"{path}:{line}: timestamp {record['timestamp']!r} is not ISO 8601."
        ) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def derive_sessions(rows: list[SourceRow], customer_id: str) -> dict[int, str]:
    """Map row positions to session ids: 30 minutes without events starts a new session."""
    last_seen: dict[str, tuple[datetime, str]] = {}
    sessions: dict[int, str] = {}
    order = sorted(range(len(rows)), key=lambda i: rows[i].timestamp)
    for position in order:
        row = rows[position]
        client = row.fields.get("client_id") or ""
        if not client:
            continue
        previous = last_seen.get(client)
        if previous is None or row.timestamp - previous[0] > SESSION_GAP:
            started = f"{customer_id}|{client}|{row.timestamp.isoformat()}"
            session = str(uuid.uuid5(EVENT_ID_NAMESPACE, started))
        else:
            session = previous[1]
        last_seen[client] = (row.timestamp, session)
        sessions[position] = session
    return sessions


def _event_id(customer_id: str, row: SourceRow) -> uuid.UUID:
    content = [
        row.fields.get(name) or ""
        for name in (*PUFFY_COLUMNS, "referrer", "user_agent")
    ]
    return uuid.uuid5(EVENT_ID_NAMESPACE, customer_id + "|" + "\x1f".join(content))


def _raw_event(
    row: SourceRow, event_id: uuid.UUID, session: str | None
) -> dict[str, object]:
    fields = row.fields
    raw: dict[str, object] = {
        "event_id": str(event_id),
        "event_name": fields.get("event_name"),
        "client_id": fields.get("client_id") or None,
        "session_id": session,
        "url": fields.get("page_url") or None,
        "referrer": fields.get("referrer") or None,
    }
    data = _event_data(row)
    if fields.get("event_name") in PURCHASE_EVENTS:
        raw["order_id"] = data.pop("transaction_id", None)
        raw["value"] = data.pop("revenue", None)
    raw["properties"] = data or None
    return raw


def _event_data(row: SourceRow) -> dict[str, object]:
    text = row.fields.get("event_data") or ""
    if not text:
        return {}
    try:
        data = json.loads(text, parse_float=Decimal)
    except ValueError as error:
        raise EventRejected("invalid_properties", "event_data is not JSON") from error
    if not isinstance(data, dict):
        raise EventRejected("invalid_properties", "event_data is not a JSON object")
    return data


def build_rows(
    rows: list[SourceRow], site: SiteConfig, received_at: datetime, report: ImportReport
) -> list[EventRow]:
    """Validate every source row in timestamp order; count the rejected ones."""
    sessions = derive_sessions(rows, site.customer_id)
    valid: list[EventRow] = []
    for position in sorted(range(len(rows)), key=lambda i: rows[i].timestamp):
        row = rows[position]
        user_agent = row.fields.get("user_agent") or None
        bot_name = detect_bot(user_agent)
        context = RequestContext(
            received_at=received_at,
            source="import:puffy",
            user_agent=user_agent,
            is_bot=bot_name is not None,
            bot_name=bot_name,
        )
        event_id = _event_id(site.customer_id, row)
        try:
            raw = _raw_event(row, event_id, sessions.get(position))
            valid.append(validate_event(raw, site, context, event_time=row.timestamp))
        except EventRejected as error:
            report.outcomes["rejected"] += 1
            report.rejected[error.reason] += 1
    return valid


async def replay(
    rows: list[EventRow],
    connect: Callable[[], Awaitable[asyncpg.Connection]],
    report: ImportReport,
) -> None:
    """Store rows through the batch writer, chunk by chunk, and count the outcomes."""
    writer = BatchWriter(connect, BatchSettings(max_batch_rows=CHUNK_EVENTS))
    writer.start()
    try:
        for start in range(0, len(rows), CHUNK_EVENTS):
            chunk = rows[start : start + CHUNK_EVENTS]
            outcomes = await writer.submit(chunk)
            for row, outcome in zip(chunk, outcomes, strict=True):
                report.outcomes[outcome] += 1
                if outcome == OUTCOME_STORED:
                    report.stored_bots += row.is_bot
                    report.stored_without_client_id += row.client_id is None
    finally:
        await writer.stop()


def prepare_import(
    directory: Path, site: SiteConfig, file_format: str = "puffy"
) -> tuple[list[EventRow], ImportReport]:
    """Read and validate the whole folder before anything is stored."""
    if file_format not in FORMATS:
        raise ValidationFailedError(
            f"Format {file_format!r} is not supported; use one of: {', '.join(FORMATS)}."
        )
    files = sorted(directory.glob("*.csv"))
    source = read_puffy(files, directory)
    report = ImportReport(rows=len(source), files=len(files))
    rows = build_rows(source, site, datetime.now(UTC), report)
    return rows, report


async def import_directory(
    directory: Path,
    site: SiteConfig,
    connect: Callable[[], Awaitable[asyncpg.Connection]],
    file_format: str = "puffy",
) -> ImportReport:
    """Validate the folder, then store its events; return the counts."""
    rows, report = prepare_import(directory, site, file_format)
    await replay(rows, connect, report)
    return report

"""Keep `client_first_events`, each client's first event of each name, up to date.

The new and returning figures compare sessions and purchases with the client's first visit
and first purchase over the whole history. Every run folds the staged events of its days
into the table, then reads the firsts of its clients from it. Days that have not been
integrated since their events arrived are not in the table yet. The scheduler rebuilds
the days of every new event, and a replay of older events needs `creatives integrate`
over its days.
"""

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

RANGE_FIRSTS_SQL = """
CREATE TEMPORARY TABLE attribution_range_firsts ON COMMIT DROP AS
SELECT client_id, event_name, min(event_time) AS first_at
FROM attribution_input
WHERE client_id IS NOT NULL AND event_time >= :starts_at AND event_time < :ends_before
GROUP BY client_id, event_name
"""

# A first visit or first purchase that moves earlier turns the session or purchase that was
# first into a returning one. That happened at the old instant, after the range's start, so
# the run must also rebuild the old instant's day. Returns the latest such instant.
MOVED_FIRSTS_SQL = """
WITH stored AS (
    SELECT t.client_id, min(t.first_at) AS first_seen_at,
           min(t.first_at) FILTER (WHERE t.event_name = :purchase_event) AS first_purchase_at
    FROM creatives.client_first_events t
    WHERE t.customer_id = :customer
      AND t.client_id IN (SELECT client_id FROM attribution_range_firsts)
    GROUP BY t.client_id
),
staged AS (
    SELECT client_id, min(first_at) AS first_seen_at,
           min(first_at) FILTER (WHERE event_name = :purchase_event) AS first_purchase_at
    FROM attribution_range_firsts
    GROUP BY client_id
)
SELECT max(greatest(
    CASE WHEN staged.first_seen_at < stored.first_seen_at THEN stored.first_seen_at END,
    CASE WHEN staged.first_purchase_at < stored.first_purchase_at
         THEN stored.first_purchase_at END
))
FROM staged JOIN stored USING (client_id)
"""

# A run that starts before every event of the customer stages its whole history up to the
# range's end. A stored first inside that span without a staged one has lost its events
# (a dropped partition, say), so it is removed, and a stored first that differs from the
# staged one is replaced whichever is earlier. Other runs only move firsts earlier.
DELETE_LOST_SQL = """
DELETE FROM creatives.client_first_events t
WHERE t.customer_id = :customer AND t.first_at < :ends_before
  AND NOT EXISTS (
      SELECT 1 FROM attribution_range_firsts f
      WHERE f.client_id = t.client_id AND f.event_name = t.event_name
  )
"""


def _update_sql(whole_history: bool) -> str:
    replace = "<>" if whole_history else "<"
    return f"""
    UPDATE creatives.client_first_events t SET first_at = f.first_at
    FROM attribution_range_firsts f
    WHERE t.customer_id = :customer AND t.client_id = f.client_id
      AND t.event_name = f.event_name AND f.first_at {replace} t.first_at
    """


INSERT_NEW_SQL = """
INSERT INTO creatives.client_first_events (customer_id, client_id, event_name, first_at)
SELECT CAST(:customer AS varchar), f.client_id, f.event_name, f.first_at
FROM attribution_range_firsts f
WHERE NOT EXISTS (
    SELECT 1 FROM creatives.client_first_events t
    WHERE t.customer_id = :customer AND t.client_id = f.client_id
      AND t.event_name = f.event_name
)
"""

# The firsts of the clients staged by an incremental run, read after the fold above.
CLIENTS_SQL = """
INSERT INTO attribution_clients (client_id, first_seen_at, first_purchase_at)
SELECT t.client_id, min(t.first_at),
       min(t.first_at) FILTER (WHERE t.event_name = :purchase_event)
FROM creatives.client_first_events t
WHERE t.customer_id = :customer
  AND t.client_id IN (SELECT client_id FROM attribution_active_clients)
GROUP BY t.client_id
"""


async def fold_first_events(
    conn: AsyncConnection, params: dict[str, object], *, whole_history: bool
) -> datetime | None:
    """Record the firsts of the staged range's events; return the latest first they replace.

    `whole_history` is true when no event of the customer is older than the range. The
    returned instant is None when no stored first visit or first purchase moved earlier.
    """
    await conn.execute(text(RANGE_FIRSTS_SQL), params)
    await conn.execute(text("ANALYZE attribution_range_firsts"))
    moved: datetime | None = (
        await conn.execute(text(MOVED_FIRSTS_SQL), params)
    ).scalar_one()

    if whole_history:
        await conn.execute(text(DELETE_LOST_SQL), params)
    await conn.execute(text(_update_sql(whole_history)), params)
    await conn.execute(text(INSERT_NEW_SQL), params)
    await conn.execute(text("DROP TABLE attribution_range_firsts"))
    return moved

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

# The stored firsts of the range's clients. The array makes the plan probe the primary key
# once per client: a join reads the whole table, because the planner expects more rows.
STORED_FIRSTS_SQL = """
CREATE TEMPORARY TABLE attribution_stored_firsts ON COMMIT DROP AS
SELECT t.client_id, t.event_name, t.first_at
FROM creatives.client_first_events t
WHERE t.customer_id = :customer
  AND t.client_id = ANY (ARRAY(SELECT DISTINCT client_id FROM attribution_range_firsts))
"""


# A first visit or first purchase that moves earlier turns the session or purchase that was
# first into a returning one. That happened at the old instant, after the range's start, so
# the run must also rebuild the old instant's day. Returns the latest such instant.
def _moved_firsts_sql(stored: str) -> str:
    return f"""
    WITH stored AS (
        SELECT t.client_id, min(t.first_at) AS first_seen_at,
               min(t.first_at) FILTER (WHERE t.event_name = :purchase_event)
                   AS first_purchase_at
        FROM {stored} t
        WHERE t.client_id IN (SELECT client_id FROM attribution_range_firsts)
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


CUSTOMER_FIRSTS = (
    "(SELECT * FROM creatives.client_first_events WHERE customer_id = :customer)"
)


# A run that starts before every event of the customer stages its whole history up to the
# range's end. A stored first inside that span without a staged one has lost its events
# (a dropped partition, say), so it is removed, and a stored first that differs from the
# staged one is replaced whichever is earlier.
DELETE_LOST_SQL = """
DELETE FROM creatives.client_first_events t
WHERE t.customer_id = :customer AND t.first_at < :ends_before
  AND NOT EXISTS (
      SELECT 1 FROM attribution_range_firsts f
      WHERE f.client_id = t.client_id AND f.event_name = t.event_name
  )
"""

REPLACE_CHANGED_SQL = """
UPDATE creatives.client_first_events t SET first_at = f.first_at
FROM attribution_range_firsts f
WHERE t.customer_id = :customer AND t.client_id = f.client_id
  AND t.event_name = f.event_name AND f.first_at <> t.first_at
"""

# The primary key finds the firsts already stored. An anti-join would read the table it
# writes: planned from the statistics of an empty table as a nested loop over a scan, it
# rescans every row inserted so far for each new one (3 minutes for 50,000 clients).
INSERT_NEW_SQL = """
INSERT INTO creatives.client_first_events (customer_id, client_id, event_name, first_at)
SELECT CAST(:customer AS varchar), f.client_id, f.event_name, f.first_at
FROM attribution_range_firsts f
ON CONFLICT (customer_id, client_id, event_name) DO NOTHING
"""

# Other runs only move firsts earlier, and write only the staged firsts that are new or
# earlier than the stored ones.
MOVE_EARLIER_SQL = """
INSERT INTO creatives.client_first_events (customer_id, client_id, event_name, first_at)
SELECT CAST(:customer AS varchar), f.client_id, f.event_name, f.first_at
FROM attribution_range_firsts f
LEFT JOIN attribution_stored_firsts s
  ON s.client_id = f.client_id AND s.event_name = f.event_name
WHERE s.first_at IS NULL OR f.first_at < s.first_at
ON CONFLICT (customer_id, client_id, event_name)
DO UPDATE SET first_at = least(client_first_events.first_at, excluded.first_at)
"""


# The firsts of the range's clients, which are all the clients the engine staged. Events
# after the range cannot be a first of a client with an event in the range, so the stored
# firsts and the range's firsts are all it needs.
def _clients_sql(sources: tuple[str, ...]) -> str:
    union = " UNION ALL ".join(
        f"SELECT client_id, event_name, first_at FROM {source}" for source in sources
    )
    return f"""
    INSERT INTO attribution_clients (client_id, first_seen_at, first_purchase_at)
    SELECT client_id, min(first_at),
           min(first_at) FILTER (WHERE event_name = :purchase_event)
    FROM ({union}) firsts
    GROUP BY client_id
    """


async def fold_first_events(
    conn: AsyncConnection, params: dict[str, object], *, whole_history: bool
) -> datetime | None:
    """Record the firsts of the staged range's events and stage the clients' firsts.

    `whole_history` is true when no event of the customer is older than the range. Return
    the latest stored first visit or first purchase that moved earlier, or None.
    """
    await conn.execute(text(RANGE_FIRSTS_SQL), params)
    await conn.execute(text("ANALYZE attribution_range_firsts"))
    if whole_history:
        moved = await _replace_firsts(conn, params)
        sources: tuple[str, ...] = ("attribution_range_firsts",)
    else:
        moved = await _move_firsts_earlier(conn, params)
        sources = ("attribution_range_firsts", "attribution_stored_firsts")

    await conn.execute(text(_clients_sql(sources)), params)
    for source in sources:
        await conn.execute(text(f"DROP TABLE {source}"))
    return moved


async def _replace_firsts(
    conn: AsyncConnection, params: dict[str, object]
) -> datetime | None:
    moved: datetime | None = (
        await conn.execute(text(_moved_firsts_sql(CUSTOMER_FIRSTS)), params)
    ).scalar_one()
    for statement in (DELETE_LOST_SQL, REPLACE_CHANGED_SQL, INSERT_NEW_SQL):
        await conn.execute(text(statement), params)
    return moved


async def _move_firsts_earlier(
    conn: AsyncConnection, params: dict[str, object]
) -> datetime | None:
    await conn.execute(text(STORED_FIRSTS_SQL), params)
    await conn.execute(text("ANALYZE attribution_stored_firsts"))
    moved: datetime | None = (
        await conn.execute(text(_moved_firsts_sql("attribution_stored_firsts")), params)
    ).scalar_one()
    await conn.execute(text(MOVE_EARLIER_SQL), params)
    return moved

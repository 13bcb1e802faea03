"""Small builders for test rows; each fills only the columns a test cares about."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.auth.service import add_user
from creatives.creatives.grouping import refresh_customer
from creatives.creatives.rollups import refresh_derived
from creatives.customers.schemas import CustomerCreate
from creatives.customers.service import add_customer
from creatives.tables import dim_combined_creative, pixel_event_integrated_data

PASSWORD = "correct horse battery staple"


async def customer(
    conn: AsyncConnection,
    customer_id: str = "23",
    currency: str = "EUR",
    time_zone: str = "UTC",
) -> str:
    await add_customer(
        conn,
        CustomerCreate(
            id=customer_id,
            name=f"Shop {customer_id}",
            currency=currency,
            time_zone=time_zone,
        ),
    )
    return customer_id


async def user(
    conn: AsyncConnection, email: str, customers: list[str], role: str = "analyst"
) -> int:
    return await add_user(conn, email, email.split("@")[0], PASSWORD, role, customers)


def fact(
    customer: str,
    ad_id: str | None,
    day: date,
    ev: str = "order_completed",
    **figures: Decimal | int | str | None,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "customer_name": customer,
        "ad_id": ad_id,
        "date_column": day,
        "date": day.isoformat(),
        "ev": ev,
        "spend": Decimal(0),
        "clicks": 0,
        "impressions": 0,
        "sessions": 0,
    }
    row.update(figures)
    return row


async def facts(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """Insert fact rows and refresh the derived tables, as every writer of facts must."""
    # One executemany needs the same keys in every row; missing figures are NULL.
    keys = {key for row in rows for key in row}
    await conn.execute(
        insert(pixel_event_integrated_data),
        [{key: row.get(key) for key in keys} for row in rows],
    )
    first_days: dict[str, date] = {}
    for row in rows:
        day = row["date_column"]
        customer = row["customer_name"]
        first_days[customer] = min(day, first_days.get(customer, day))
    for customer, day in first_days.items():
        await refresh_derived(conn, customer, day)


async def creative_rows(
    conn: AsyncConnection,
    customer: str,
    ad_id: str,
    ad_copy: str,
    days: list[date],
    ad_type: str | None = None,
) -> None:
    await conn.execute(
        insert(dim_combined_creative),
        [
            {
                "customer_name": customer,
                "ad_id": ad_id,
                "ad_type": ad_type,
                "channel": "facebook",
                "date": day.isoformat(),
                "date_column": day,
                "ad_copy": ad_copy,
            }
            for day in days
        ],
    )


async def regroup(conn: AsyncConnection, customer: str) -> None:
    await refresh_customer(conn, customer)

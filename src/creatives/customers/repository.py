"""Queries on customers."""

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.customers.schemas import CustomerCreate, CustomerPublic
from creatives.tables import customers, user_customers


async def list_all(conn: AsyncConnection) -> list[CustomerPublic]:
    rows = await conn.execute(select(customers).order_by(customers.c.id))
    return [CustomerPublic.model_validate(row._mapping) for row in rows]


async def list_for_user(conn: AsyncConnection, user_id: int) -> list[CustomerPublic]:
    query = (
        select(customers)
        .join(user_customers, user_customers.c.customer_id == customers.c.id)
        .where(user_customers.c.user_id == user_id)
        .order_by(customers.c.name, customers.c.id)
    )
    return [
        CustomerPublic.model_validate(row._mapping) for row in await conn.execute(query)
    ]


async def get_for_user(
    conn: AsyncConnection, user_id: int, customer_id: str
) -> CustomerPublic | None:
    query = (
        select(customers)
        .join(user_customers, user_customers.c.customer_id == customers.c.id)
        .where(user_customers.c.user_id == user_id, customers.c.id == customer_id)
    )
    row = (await conn.execute(query)).first()
    return None if row is None else CustomerPublic.model_validate(row._mapping)


async def get(conn: AsyncConnection, customer_id: str) -> CustomerPublic | None:
    row = (
        await conn.execute(select(customers).where(customers.c.id == customer_id))
    ).first()
    return None if row is None else CustomerPublic.model_validate(row._mapping)


async def insert_customer(conn: AsyncConnection, customer: CustomerCreate) -> None:
    await conn.execute(insert(customers).values(**customer.model_dump()))


async def update_attribution(
    conn: AsyncConnection,
    customer_id: str,
    purchase_event: str | None,
    window_days: int | None,
) -> bool:
    values: dict[str, object] = {}
    if purchase_event is not None:
        values["purchase_event"] = purchase_event
    if window_days is not None:
        values["attribution_window_days"] = window_days
    if not values:
        return await get(conn, customer_id) is not None
    result = await conn.execute(
        update(customers).where(customers.c.id == customer_id).values(**values)
    )
    return bool(result.rowcount)

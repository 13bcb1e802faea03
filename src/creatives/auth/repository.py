"""Queries on users and their customer memberships."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.tables import user_customers, users


@dataclass(frozen=True)
class UserRecord:
    id: int
    email: str
    display_name: str
    password_hash: str
    role: str
    is_active: bool
    password_changed_at: datetime


def _record(row: object) -> UserRecord:
    mapping = row._mapping  # type: ignore[attr-defined]
    return UserRecord(
        **{field: mapping[field] for field in UserRecord.__dataclass_fields__}
    )


async def get_by_email(conn: AsyncConnection, email: str) -> UserRecord | None:
    query = select(users).where(func.lower(users.c.email) == email.strip().lower())
    row = (await conn.execute(query)).first()
    return None if row is None else _record(row)


async def get_by_id(conn: AsyncConnection, user_id: int) -> UserRecord | None:
    row = (await conn.execute(select(users).where(users.c.id == user_id))).first()
    return None if row is None else _record(row)


async def list_users(conn: AsyncConnection) -> list[UserRecord]:
    rows = await conn.execute(select(users).order_by(users.c.id))
    return [_record(row) for row in rows]


async def insert_user(
    conn: AsyncConnection, email: str, display_name: str, password_hash: str, role: str
) -> int:
    query = (
        insert(users)
        .values(
            email=email.strip(),
            display_name=display_name,
            password_hash=password_hash,
            role=role,
        )
        .returning(users.c.id)
    )
    user_id: int = (await conn.execute(query)).scalar_one()
    return user_id


async def set_password_hash(
    conn: AsyncConnection, user_id: int, password_hash: str
) -> None:
    await conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(password_hash=password_hash, password_changed_at=func.now())
    )


async def set_active(conn: AsyncConnection, user_id: int, is_active: bool) -> None:
    await conn.execute(
        update(users).where(users.c.id == user_id).values(is_active=is_active)
    )


async def grant_customers(
    conn: AsyncConnection, user_id: int, customer_ids: list[str]
) -> None:
    if not customer_ids:
        return
    query = pg_insert(user_customers).values(
        [
            {"user_id": user_id, "customer_id": customer_id}
            for customer_id in customer_ids
        ]
    )
    await conn.execute(query.on_conflict_do_nothing())

"""The customer named in the path, if the signed-in user may see it."""

from typing import Annotated

from fastapi import Depends, Path

from creatives.auth.dependencies import CurrentUser
from creatives.customers import repository
from creatives.customers.schemas import CustomerPublic
from creatives.database import DbConnection
from creatives.errors import NotFoundError


async def get_accessible_customer(
    customer: Annotated[str, Path(description="Customer id, as in /api/customers.")],
    user: CurrentUser,
    conn: DbConnection,
) -> CustomerPublic:
    found = await repository.get_for_user(conn, user.id, customer)
    if found is None:
        # Another tenant's customer looks exactly like a missing one, so ids cannot be probed.
        raise NotFoundError(f"Customer {customer!r} not found.")
    return found


AccessibleCustomer = Annotated[CustomerPublic, Depends(get_accessible_customer)]

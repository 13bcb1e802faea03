"""Customer administration used by the CLI."""

import re

from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.customers import repository
from creatives.customers.schemas import CustomerCreate
from creatives.errors import ConflictError, NotFoundError, ValidationFailedError
from creatives.logging import get_logger

log = get_logger(__name__)
EVENT_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


async def add_customer(conn: AsyncConnection, customer: CustomerCreate) -> None:
    """Insert a customer; the caller commits."""
    if await repository.get(conn, customer.id) is not None:
        raise ConflictError(f"Customer {customer.id!r} already exists.")
    await repository.insert_customer(conn, customer)
    log.info("customer_created", customer_id=customer.id, currency=customer.currency)


async def configure_attribution(
    conn: AsyncConnection,
    customer_id: str,
    purchase_event: str | None,
    window_days: int | None,
) -> None:
    """Change the purchase event and default window; None keeps the current value."""
    if window_days is not None and window_days not in (1, 7, 30):
        raise ValidationFailedError(
            f"Attribution window {window_days} is invalid; use 1, 7 or 30 days."
        )
    if purchase_event is not None and not EVENT_NAME.fullmatch(purchase_event):
        raise ValidationFailedError(
            f"Purchase event {purchase_event!r} is invalid; use lower-case letters, digits "
            "and underscores, starting with a letter."
        )
    updated = await repository.update_attribution(
        conn, customer_id, purchase_event, window_days
    )
    if not updated:
        raise NotFoundError(f"Customer {customer_id!r} not found.")
    log.info(
        "customer_configured",
        customer_id=customer_id,
        purchase_event=purchase_event,
        window_days=window_days,
    )

"""Customer administration used by the CLI."""

from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.customers import repository
from creatives.customers.schemas import CustomerCreate
from creatives.errors import ConflictError
from creatives.logging import get_logger

log = get_logger(__name__)


async def add_customer(conn: AsyncConnection, customer: CustomerCreate) -> None:
    """Insert a customer; the caller commits."""
    if await repository.get(conn, customer.id) is not None:
        raise ConflictError(f"Customer {customer.id!r} already exists.")
    await repository.insert_customer(conn, customer)
    log.info("customer_created", customer_id=customer.id, currency=customer.currency)

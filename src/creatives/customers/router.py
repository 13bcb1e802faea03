"""Customer listing."""

from fastapi import APIRouter

from creatives.auth.dependencies import CurrentUser
from creatives.customers import repository
from creatives.customers.schemas import CustomerPublic
from creatives.database import DbConnection
from creatives.errors import ErrorResponse

router = APIRouter(tags=["customers"])


@router.get(
    "/api/customers",
    response_model=list[CustomerPublic],
    responses={401: {"model": ErrorResponse}},
    operation_id="listCustomers",
)
async def list_customers(user: CurrentUser, conn: DbConnection) -> list[CustomerPublic]:
    """List the customers the signed-in user may see."""
    return await repository.list_for_user(conn, user.id)

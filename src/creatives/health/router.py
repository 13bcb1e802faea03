"""Liveness and database check."""

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from creatives.database import DbConnection
from creatives.errors import ErrorResponse

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str


# Load balancers often probe with HEAD; it shares the GET handler but not the schema entry.
@router.head("/api/health", include_in_schema=False)
@router.get(
    "/api/health",
    response_model=Health,
    responses={503: {"model": ErrorResponse}},
    operation_id="health",
)
async def health(conn: DbConnection) -> Health:
    """Return 200 when the database responds to a query, 503 when it does not."""
    await conn.execute(text("SELECT 1"))
    return Health(status="ok", database="ok")

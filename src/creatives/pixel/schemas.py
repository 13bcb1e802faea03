"""Response bodies of the collector."""

from pydantic import BaseModel


class RejectionOut(BaseModel):
    """An event that was not stored: its position in the request and why."""

    index: int
    reason: str
    message: str


class CollectResponse(BaseModel):
    """Outcome of a collect call; `stored` and `duplicates` events are committed."""

    stored: int
    duplicates: int
    rejected: list[RejectionOut]

"""Customer bodies."""

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

CUSTOMER_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


def validate_currency(value: str) -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(
            f"currency {value!r} is not an ISO 4217 code such as EUR or USD"
        )
    return code


def validate_time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"time zone {value!r} is not an IANA name such as Europe/Berlin"
        ) from error
    return value


class CustomerPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    currency: str
    time_zone: str


class CustomerCreate(BaseModel):
    id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    currency: str
    time_zone: str

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return validate_currency(value)

    @field_validator("time_zone")
    @classmethod
    def _time_zone(cls, value: str) -> str:
        return validate_time_zone(value)

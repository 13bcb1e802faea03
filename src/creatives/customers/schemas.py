"""Customer bodies."""

import re
from functools import cache
from zoneinfo import available_timezones

import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator

CUSTOMER_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


# Files that sit among the zone data but name no place; "localtime" depends on the host.
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


def validate_currency(value: str) -> str:
    code = value.strip().upper()
    known = re.fullmatch(r"[A-Z]{3}", code) and pycountry.currencies.get(alpha_3=code)
    if not known:
        raise ValueError(
            f"currency {value!r} is not an ISO 4217 code such as EUR or USD"
        )
    return code


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - NOT_ZONES


def validate_time_zone(value: str) -> str:
    if value not in _time_zones():
        raise ValueError(
            f"time zone {value!r} is not an IANA name such as Europe/Berlin"
        )
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

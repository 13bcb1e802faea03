"""Request and response bodies of the account endpoints."""

from pydantic import BaseModel, ConfigDict, Field

from creatives.customers.schemas import CustomerPublic


class LoginRequest(BaseModel):
    email: str = Field(min_length=3, max_length=320, examples=["demo@creatives.local"])
    password: str = Field(min_length=1, max_length=1024, examples=["demo-password"])


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str
    role: str
    customers: list[CustomerPublic]


class LoginResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    access_token: str = Field(
        serialization_alias="accessToken", validation_alias="accessToken"
    )
    token_type: str = Field(
        default="bearer", serialization_alias="tokenType", validation_alias="tokenType"
    )
    expires_in: int = Field(
        serialization_alias="expiresIn", validation_alias="expiresIn"
    )
    user: UserPublic


class TokenResponse(BaseModel):
    """The OAuth2 password-flow response, with the field names RFC 6749 defines."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MyAccountResponse(BaseModel):
    user: UserPublic

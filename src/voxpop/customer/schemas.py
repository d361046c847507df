from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from voxpop.kit.settings import get_settings
from voxpop.kit.validation import Attributes, label, normalise_email

IDENTITY_KINDS = ("external_id", "email", "phone", "handle")


def normalise_phone(value: str | None) -> str | None:
    if not value:
        return None
    try:
        number = phonenumbers.parse(value, get_settings().default_phone_region)
    except phonenumbers.NumberParseException as error:
        raise PydanticCustomError("phone", "is not a phone number: {why}", {"why": str(error)}) from None
    if not phonenumbers.is_possible_number(number):
        raise PydanticCustomError("phone", "is not a possible phone number", {})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_handle(value: str | None) -> str | None:
    if not value:
        return None
    return "@" + value.strip().lstrip("@").lower()


Email = Annotated[str | None, Field(max_length=320), AfterValidator(normalise_email)]
Phone = Annotated[str | None, Field(max_length=40), AfterValidator(normalise_phone)]
Handle = Annotated[str | None, Field(max_length=200), AfterValidator(normalise_handle)]
ExternalId = Annotated[str | None, Field(min_length=1, max_length=200)]


class CustomerRef(BaseModel):
    """Who a record is from: any of the identities, plus details to keep on the customer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_id: ExternalId = None
    email: Email = None
    phone: Phone = None
    handle: Handle = None
    name: Annotated[str | None, Field(max_length=200)] = None
    language: label(16) = None  # type: ignore[valid-type]
    attributes: Attributes | None = None

    def identities(self) -> list[tuple[str, str]]:
        """(kind, value) pairs in matching priority: an external id wins over an email, and so on."""
        return [(kind, value) for kind in IDENTITY_KINDS if (value := getattr(self, kind))]


class CustomerIn(CustomerRef):
    @model_validator(mode="after")
    def _needs_an_identity(self) -> CustomerIn:
        if not self.identities():
            raise ValueError("a customer needs at least one of external_id, email, phone or handle")
        return self


class CustomerBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[CustomerIn]


class IdentityOut(BaseModel):
    kind: str
    value: str


class CustomerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str | None
    language: str | None
    attributes: dict[str, Any]
    identities: list[IdentityOut]
    created_at: datetime
    updated_at: datetime
    personal_data_withheld: bool = Field(
        False, description="true when the caller's role may not see the name and identities (left empty)"
    )


class ErasureOut(BaseModel):
    customer_id: uuid.UUID
    feedback_deleted: int
    events_deleted: int
    identities_deleted: int

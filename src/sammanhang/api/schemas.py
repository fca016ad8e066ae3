"""The shapes of the API's JSON, for validation of what we send and for the OpenAPI document."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema


class Error(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class Code(Schema):
    code: str
    name: str


class Coordinates(Schema):
    latitude: float
    longitude: float


class OrganisationBrief(Schema):
    uuid: UUID
    slug: str
    name: str
    url: str


class PlaceBrief(Schema):
    uuid: UUID
    slug: str
    name: str
    url: str
    district: Code | None
    coordinates: Coordinates | None


class OccurrencePlace(Schema):
    slug: str
    name: str


class OccurrenceOut(Schema):
    start: str
    end: str
    when: str
    cancelled: bool
    reason: str
    place: OccurrencePlace | None
    district: Code | None


class Contact(Schema):
    role: str
    email: str
    phone: str


class ActivityOut(Schema):
    uuid: UUID
    slug: str
    url: str
    title: str
    title_en: str
    summary: str
    summary_en: str
    easy_read: str
    description: str
    categories: list[Code]
    target_groups: list[Code]
    age_min: int | None
    age_max: int | None
    languages: list[Code]
    is_free: bool
    price: str
    companion_free: str
    companion_terms: str
    drop_in: bool
    capacity: int | None
    contact: Contact
    status: str
    organisation: OrganisationBrief
    places: list[PlaceBrief]
    online: bool
    schedule: list[str]
    distance_km: float | None
    next_occurrences: list[OccurrenceOut]
    updated_at: datetime = Field(
        description="When anything in this record last changed (UTC); see modified_after."
    )


class ActivityDetail(ActivityOut):
    features: list[Code]


class ActivityPage(Schema):
    count: int
    count_exact: bool = Field(
        description="False when counting stopped at the finder's cap: count is then a floor."
    )
    page: int
    per_page: int
    results: list[ActivityOut]


class Municipality(Schema):
    code: str
    slug: str
    name: str


class Feature(Schema):
    code: str
    name: str
    value: str


class PlaceOut(PlaceBrief):
    municipality: Municipality
    street_address: str
    postal_code: str
    city: str
    how_to_get_there: str
    description: str
    features: list[Feature]
    updated_at: datetime = Field(
        description="When anything in this record last changed (UTC); see modified_after."
    )


class OpeningHoursOut(Schema):
    weekday: int
    weekday_name: str
    opens: str
    closes: str
    valid_from: date | None
    valid_to: date | None


class Closure(Schema):
    date: date
    reason: str


class ActivityBrief(Schema):
    uuid: UUID
    slug: str
    title: str
    url: str


class PlaceDetail(PlaceOut):
    open_now: bool
    opening_hours: list[OpeningHoursOut]
    closures: list[Closure]
    activities: list[ActivityBrief]


class PlacePage(Schema):
    count: int
    count_exact: bool = Field(
        description="False when counting stopped at the finder's cap: count is then a floor."
    )
    page: int
    per_page: int
    results: list[PlaceOut]


class OrganisationOut(OrganisationBrief):
    kind: Code
    parent: OrganisationBrief | None
    description: str
    website: str
    email: str
    phone: str
    updated_at: datetime = Field(
        description="When anything in this record last changed (UTC); see modified_after."
    )


class OrganisationDetail(OrganisationOut):
    activities: list[ActivityBrief]


class OrganisationPage(Schema):
    count: int
    count_exact: bool = Field(
        description="False when counting stopped at the finder's cap: count is then a floor."
    )
    page: int
    per_page: int
    results: list[OrganisationOut]


class Choice(Schema):
    code: str
    name: str


class FilterOut(Schema):
    name: str
    label: str
    type: str
    multiple: bool
    choices: list[Choice]


class Filters(Schema):
    filters: list[FilterOut]


class DeletionOut(Schema):
    kind: str = Field(description="activity, place or organisation")
    uuid: UUID = Field(description="The record's uuid (also its HSDS id)")
    reason: str = Field(
        description=(
            "deleted; unpublished (back to draft); withdrawn (cancelled or ended: gone from "
            "this API, still an inactive service in HSDS)"
        )
    )
    deleted_at: datetime = Field(description="When it was deleted or left public view (UTC)")


class DeletionPage(Schema):
    count: int
    count_exact: bool
    page: int
    per_page: int
    results: list[DeletionOut]

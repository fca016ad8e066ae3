"""Reads behind the HSDS API (and anything else that serialises pages of records).

Rules kept here:
- Only public data: activities published, cancelled or ended (``serialize.PUBLIC_STATUSES``),
  never drafts, wherever an activity appears (a service, a service_at_location, the services
  of an organisation). Organisations, places and taxonomy terms are public.
- A page runs a fixed number of queries whatever its size: everything the serialiser reads
  is joined or prefetched by ``with_service_relations`` / ``with_organization_relations``.
- A taxonomy term filter matches a service that has the term with a positive value: a target
  group or category it has, an accessibility feature marked yes, companion goes free (yes),
  drop-in. For a service_at_location, the place's accessibility features count too.
- ``postcode`` keeps the locations with that postal code (spaces ignored); with
  ``proximity`` it keeps those within that many metres of the postcode's centroid, the mean
  of the coordinates of our own places with that postcode (no outside geocoder).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Avg, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace

from sammanhang.accounts.models import Organisation
from sammanhang.directory import geo, search
from sammanhang.directory.models import (
    Activity,
    ActivityFeature,
    ActivityLanguage,
    CompanionFree,
    FeatureValue,
    OpeningHours,
    Place,
    PlaceClosure,
    PlaceFeature,
    Schedule,
    ScheduleException,
    Taxonomy,
    Term,
)
from sammanhang.interop.hsds import link_keys
from sammanhang.interop.hsds.serialize import (
    COMPANION_CODE,
    DROP_IN_CODE,
    PUBLIC_STATUSES,
)


def public_activities() -> QuerySet[Activity]:
    return Activity.objects.filter(status__in=PUBLIC_STATUSES)


def _places_with_relations() -> QuerySet[Place]:
    return Place.objects.select_related("owner", "municipality", "district").prefetch_related(
        Prefetch("features", queryset=PlaceFeature.objects.select_related("term__parent")),
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at")),
        Prefetch("closures", queryset=PlaceClosure.objects.order_by("date")),
    )


def with_service_relations(activities: QuerySet[Activity], *, full: bool) -> QuerySet[Activity]:
    """Everything ``serialize.service`` (full) or ``service_list_item`` reads."""
    activities = activities.select_related("organisation__parent")
    if not full:
        return activities
    return activities.prefetch_related(
        Prefetch("places", queryset=_places_with_relations()),
        Prefetch(
            "schedules",
            queryset=Schedule.objects.select_related("place").prefetch_related(
                Prefetch("exceptions", queryset=ScheduleException.objects.order_by("date"))
            ),
        ),
        Prefetch("languages", queryset=ActivityLanguage.objects.order_by("code")),
        Prefetch("categories", queryset=Term.objects.select_related("parent")),
        Prefetch("target_groups", queryset=Term.objects.select_related("parent")),
        Prefetch("features", queryset=ActivityFeature.objects.select_related("term__parent")),
    )


# --- filters --------------------------------------------------------------------------------


def _through_has(relation: str, terms: QuerySet[Term], field: str) -> Exists:
    through = getattr(Activity, relation).through
    return Exists(through.objects.filter(activity_id=OuterRef(field), term__in=terms))


def _activity_has_terms(terms: QuerySet[Term], field: str, prefix: str) -> Q:
    """The activity (its id in ``field``; its columns under ``prefix``) has one of ``terms``
    with a positive value, as its attributes show."""
    features = ActivityFeature.objects.filter(
        activity_id=OuterRef(field), term__in=terms, value=FeatureValue.YES
    ).exclude(term__code__in=(COMPANION_CODE, DROP_IN_CODE))
    condition = (
        Q(_through_has("target_groups", terms, field))
        | Q(_through_has("categories", terms, field))
        | Q(Exists(features))
    )
    derived = terms.filter(taxonomy=Taxonomy.ACCESSIBILITY)
    condition |= Q(
        Exists(derived.filter(code=COMPANION_CODE)),
        **{f"{prefix}companion_free": CompanionFree.YES},
    )
    condition |= Q(Exists(derived.filter(code=DROP_IN_CODE)), **{f"{prefix}drop_in": True})
    return condition


@dataclass(frozen=True)
class ServiceFilter:
    """What a list of services or service_at_locations asks for; empty means any."""

    search: str = ""
    taxonomy_term: Term | None = None
    taxonomy: str = ""
    organization: Organisation | None = None
    modified_after: datetime | None = None

    def terms(self) -> QuerySet[Term] | None:
        if self.taxonomy_term is not None:
            terms = Term.objects.filter(pk=self.taxonomy_term.pk)
        elif self.taxonomy:
            terms = Term.objects.filter(taxonomy=self.taxonomy)
        else:
            return None
        return terms


def _services_filtered(
    activities: QuerySet[Activity], criteria: ServiceFilter
) -> QuerySet[Activity]:
    """``activities`` narrowed by the filters every service list shares: taxonomy terms,
    organisation and ``modified_after`` (the text search is each list's own)."""
    terms = criteria.terms()
    if terms is not None:
        activities = activities.filter(_activity_has_terms(terms, "pk", ""))
    if criteria.organization is not None:
        activities = activities.filter(organisation=criteria.organization)
    if criteria.modified_after is not None:
        activities = activities.filter(updated_at__gte=criteria.modified_after)
    return activities


def service_list(criteria: ServiceFilter, *, full: bool) -> QuerySet[Activity] | RankedServices:
    """Public services matching ``criteria``, with what the serialiser reads (``full`` or
    listed): by relevance when searching (``RankedServices``), else by name."""
    activities = _services_filtered(public_activities(), criteria)
    if criteria.search.strip():
        return RankedServices(activities, search.parse_query(criteria.search), full=full)
    return with_service_relations(activities.order_by("title", "pk"), full=full)


# The search tiers, best first, as ``search.rank_annotations`` numbers them.
_TIERS_BEST_FIRST = (4, 3, 2, 1)


class RankedServices:
    """The services a search finds, best first: tier (title, topic, text, elsewhere), then how
    many of the words the title has, then title and id (``search.rank_annotations``' order).

    Read a tier at a time, as the finder does (``directory/finder.py``): a page filled from the
    title tier never builds the larger sets below it. Ranking every match in one query instead
    costs seconds on PostgreSQL when a common word matches most of the directory (1.6 s for
    "fika" at 20,000 activities).
    """

    def __init__(
        self, activities: QuerySet[Activity], query: search.ParsedQuery, *, full: bool
    ) -> None:
        self._activities = activities  # filtered, unordered, without relations
        self._query = query
        self._full = full

    def count(self) -> int:
        return search.filter_matching(self._activities, self._query).count()

    def _tier(self, tier: int) -> QuerySet[Any]:
        return (
            search.filter_tier(self._activities, self._query, tier)
            .annotate(hits=search.title_hits(self._query))
            .order_by("-hits", "title", "pk")
            .values_list("pk", flat=True)
        )

    def ids(self, start: int = 0, stop: int | None = None) -> list[int]:
        """The ids from ``start`` to ``stop`` in rank order."""
        found: list[int] = []
        offset = start
        for tier in _TIERS_BEST_FIRST:
            need = None if stop is None else stop - start - len(found)
            if need is not None and need <= 0:
                break
            group = self._tier(tier)
            rows = list(group[offset:] if need is None else group[offset : offset + need])
            if rows:
                found.extend(rows)
                offset = 0
            elif offset:
                offset = max(0, offset - group.count())
        return found

    def _fetch(self, ids: list[int]) -> list[Activity]:
        rows = with_service_relations(Activity.objects.filter(pk__in=ids), full=self._full)
        by_id = {activity.pk: activity for activity in rows}
        return [by_id[pk] for pk in ids if pk in by_id]

    def __getitem__(self, key: slice) -> list[Activity]:
        return self._fetch(self.ids(key.start or 0, key.stop))

    def iterator(self, chunk_size: int = 200) -> Iterator[Activity]:
        ids = self.ids()
        for first in range(0, len(ids), chunk_size):
            yield from self._fetch(ids[first : first + chunk_size])


def service_by_id(service_id: uuid.UUID) -> Activity | None:
    return with_service_relations(public_activities().filter(uuid=service_id), full=True).first()


# --- organisations --------------------------------------------------------------------------


def organization_list(text: str = "") -> QuerySet[Organisation]:
    """Organisations whose name has every word of ``text``; by name."""
    organisations = Organisation.objects.all()
    for word in text.split():
        organisations = organisations.filter(name__icontains=word)
    return organisations.select_related("parent").order_by("name", "pk")


def with_organization_relations(
    organisations: QuerySet[Organisation], *, full_services: bool
) -> QuerySet[Organisation]:
    """The organisations' public services in ``public_services`` (by name), listed or full."""
    services = with_service_relations(
        public_activities().order_by("title", "pk"), full=full_services
    )
    return organisations.prefetch_related(
        Prefetch("activities", queryset=services, to_attr="public_services")
    )


def organization_by_id(organization_id: uuid.UUID) -> Organisation | None:
    return Organisation.objects.filter(uuid=organization_id).select_related("parent").first()


# --- service_at_locations -------------------------------------------------------------------


def normalised_postcode(postcode: str) -> str:
    return "".join(postcode.split()).upper()


def _compact_postcode(field: str) -> Replace:
    return Replace(field, Value(" "), Value(""))


def postcode_centroid(postcode: str) -> geo.Point | None:
    """The mean position of our places with this postcode that have coordinates."""
    places = Place.objects.alias(compact=_compact_postcode("postal_code")).filter(
        compact=normalised_postcode(postcode), latitude__isnull=False, longitude__isnull=False
    )
    centre = places.aggregate(latitude=Avg("latitude"), longitude=Avg("longitude"))
    if centre["latitude"] is None or centre["longitude"] is None:
        return None
    return geo.Point(latitude=centre["latitude"], longitude=centre["longitude"])


@dataclass(frozen=True)
class PlaceFilter:
    postcode: str = ""
    centre: geo.Point | None = None
    metres: float | None = None


class ServiceAtLocations:
    """The public service_at_locations matching a filter, in a stable order: activities held
    at places (by service name, then place name), then those held online (by name).

    HSDS's service_at_location is our activity-place link plus, for an online activity, the
    activity and its virtual location; there is no table of its own, so this pages over both.
    """

    def __init__(
        self,
        criteria: ServiceFilter,
        places: PlaceFilter,
        *,
        full: bool,
    ) -> None:
        self.full = full
        self.at_places = self._at_places(criteria, places)
        self.online = self._online(criteria) if not places.postcode else None

    @staticmethod
    def _at_places(criteria: ServiceFilter, places: PlaceFilter) -> QuerySet[Any]:
        links = Activity.places.through.objects.filter(activity__status__in=PUBLIC_STATUSES)
        terms = criteria.terms()
        if terms is not None:
            place_features = PlaceFeature.objects.filter(
                place_id=OuterRef("place_id"), term__in=terms, value=FeatureValue.YES
            )
            links = links.filter(
                _activity_has_terms(terms, "activity_id", "activity__") | Q(Exists(place_features))
            )
        if criteria.organization is not None:
            links = links.filter(activity__organisation=criteria.organization)
        if criteria.modified_after is not None:
            links = links.filter(
                Q(activity__updated_at__gte=criteria.modified_after)
                | Q(place__updated_at__gte=criteria.modified_after)
            )
        if criteria.search.strip():
            links = search.filter_matching(
                links, search.parse_query(criteria.search), field="activity_id"
            )
        if places.postcode and places.centre is None:
            compact = {"place_postcode": _compact_postcode("place__postal_code")}
            links = links.alias(**compact).filter(
                **{"place_postcode": normalised_postcode(places.postcode)}
            )
        if places.centre is not None and places.metres is not None:
            km = places.metres / 1000
            links = links.filter(
                **geo.bounding_box_filter(geo.bounding_box(places.centre, km), prefix="place__")
            )
            distance = {"distance": geo.distance_expression(places.centre, prefix="place__")}
            links = links.alias(**distance).filter(**{"distance__lte": km})
        return links.order_by("activity__title", "activity_id", "place__name", "place_id")

    @staticmethod
    def _online(criteria: ServiceFilter) -> QuerySet[Activity]:
        activities = _services_filtered(public_activities().filter(online=True), criteria)
        if criteria.search.strip():
            activities = search.filter_matching(activities, search.parse_query(criteria.search))
        return activities.order_by("title", "pk")

    def count(self) -> int:
        found = self.at_places.count()
        if self.online is not None:
            found += self.online.count()
        return found

    def page(self, start: int, stop: int) -> list[tuple[Activity, Place | None]]:
        """The pairs (activity, place; ``None`` for online) from ``start`` to ``stop``."""
        pairs: list[tuple[int, int | None]] = list(
            self.at_places.values_list("activity_id", "place_id")[start:stop]
        )
        if len(pairs) < stop - start and self.online is not None:
            before = self.at_places.count()
            first = max(0, start - before)
            wanted = stop - start - len(pairs)
            online_ids = self.online.values_list("pk", flat=True)[first : first + wanted]
            pairs += [(pk, None) for pk in online_ids]
        if not pairs:
            return []
        activities = with_service_relations(
            Activity.objects.filter(pk__in={a for a, _p in pairs}), full=self.full
        )
        by_id = {a.pk: a for a in activities}
        places: dict[int, Place]
        if self.full:
            # The full activities carry their places with everything a location shows.
            places = {p.pk: p for a in by_id.values() for p in a.places.all()}
        else:
            place_ids = {p for _a, p in pairs if p}
            rows = Place.objects.select_related("owner").filter(pk__in=place_ids)
            places = {p.pk: p for p in rows}
        return [(by_id[a], places[p] if p else None) for a, p in pairs]

    def __iter__(self) -> Iterator[tuple[Activity, Place | None]]:
        step = 200
        start = 0
        while True:
            chunk = self.page(start, start + step)
            yield from chunk
            if len(chunk) < step:
                return
            start += step


def service_at_location_by_id(
    value: uuid.UUID,
) -> tuple[Activity, Place | None] | None:
    """The service_at_location with this (derived) id, if its link exists and is public.

    Found through ``link_keys`` (a primary-key read; a miss brings that index up to date
    once), then checked against the current data, since the index is only a hint.
    """
    key = link_keys.find(value)
    if key is None:
        return None
    activity = with_service_relations(
        public_activities().filter(pk=key.activity_id), full=True
    ).first()
    if activity is not None:
        if key.place_id is None and activity.online:
            return activity, None
        for place in activity.places.all():
            if place.pk == key.place_id:
                return activity, place
    link_keys.forget(key)
    return None


# --- taxonomies -----------------------------------------------------------------------------


def taxonomy_values(text: str = "") -> list[str]:
    """Our taxonomies (``Taxonomy`` values) whose name or label has every word of ``text``."""
    found = []
    for value, label in Taxonomy.choices:
        haystack = f"{value} {label}".lower()
        if all(word.lower() in haystack for word in text.split()):
            found.append(value)
    return found


def taxonomy_term_list(
    *,
    text: str = "",
    taxonomy: str = "",
    top_only: bool = False,
    parent: Term | None = None,
) -> QuerySet[Term]:
    """Terms by taxonomy, parent, top level only, and words in their names or code."""
    terms = Term.objects.select_related("parent")
    if taxonomy:
        terms = terms.filter(taxonomy=taxonomy)
    if top_only:
        terms = terms.filter(parent__isnull=True)
    if parent is not None:
        terms = terms.filter(parent=parent)
    for word in text.split():
        terms = terms.filter(
            Q(name_sv__icontains=word) | Q(name_en__icontains=word) | Q(code__icontains=word)
        )
    return terms.order_by("taxonomy", "position", "code", "pk")


def taxonomy_term_by_id(value: uuid.UUID) -> Term | None:
    return Term.objects.filter(uuid=value).select_related("parent").first()

"""Our records as HSDS 3.0 JSON (plain dicts), following ``docs/hsds-profile.md``.

Pure functions: they read the objects they are given and their prefetched relations (see
``interop.hsds.selectors`` for the prefetches that keep a page to a fixed number of queries)
and never write. The API and the export both build on them, so their names and shapes are
stable:

- ``service`` (full; pass ``terms=derived_terms()`` read once for many services),
  ``service_list_item`` (the compiled ``service_list`` shape: one-to-one fields and the
  organization), ``service_fields`` (the one-to-one fields alone, as nested in an
  organization), ``service_minimal``;
- ``organization`` (full, optionally with its services), ``organization_list_item``;
- ``location`` (full), ``location_brief``;
- ``service_at_location`` (full), ``service_at_location_list_item``,
  ``service_at_locations_of`` (an activity's places, plus ``None`` for online) and
  ``service_at_location_id``;
- ``schedule``, ``opening_schedule``, ``taxonomy``, ``taxonomy_term``, ``taxonomies``.

Rules kept here:
- Drafts are never serialised (``PUBLIC_STATUSES``); published is ``active``, cancelled and
  ended are ``inactive``.
- Empty optional fields are left out, never sent as ``null`` or ``""``; a required field with
  nothing to say (an organisation without a description) is ``""``.
- Every id that is not a model's own ``uuid`` comes from ``interop.hsds.ids``.
- A schedule held at a place goes under that place's ``service_at_location``; a schedule
  without a place (online, or not tied to one) goes on the ``service``. Times are local
  Europe/Stockholm wall-clock times. Cancelled and extra dates from today on, which HSDS
  schedules cannot express, are described in words in ``schedule.description``.
- Names of terms, languages and the words in descriptions come out in the active language
  (the caller picks it; the site's default is Swedish); a term's ``language`` says which.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sammanhang.accounts.models import Organisation
from sammanhang.core import clock
from sammanhang.directory.models import (
    Activity,
    ActivityStatus,
    CompanionFree,
    ExceptionKind,
    FeatureValue,
    Frequency,
    OpeningHours,
    Place,
    Schedule,
    Taxonomy,
    Term,
)
from sammanhang.directory.schedules import Rule, ScheduleRuleError, rule_dates
from sammanhang.directory.templatetags.directory import language_name, schedule_words
from sammanhang.interop.hsds import ids

HSDS_VERSION = "3.0"
PUBLIC_STATUSES = (ActivityStatus.PUBLISHED, ActivityStatus.CANCELLED, ActivityStatus.ENDED)
SERVICE_STATUS = {
    ActivityStatus.PUBLISHED: "active",
    ActivityStatus.CANCELLED: "inactive",
    ActivityStatus.ENDED: "inactive",
}
COUNTRY = "SE"
CURRENCY = "SEK"
FREE_OPTION = "Gratis"  # the profile's fixed word, whatever the reader's language
COMPANION_CODE = "ledsagare-gratis"
DROP_IN_CODE = "ingen-anmalan"
DAY_CODES = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}
# The county (län) is the first two digits of the municipality code (SCB's coding).
COUNTIES = {
    "01": "Stockholms län",
    "03": "Uppsala län",
    "04": "Södermanlands län",
    "05": "Östergötlands län",
    "06": "Jönköpings län",
    "07": "Kronobergs län",
    "08": "Kalmar län",
    "09": "Gotlands län",
    "10": "Blekinge län",
    "12": "Skåne län",
    "13": "Hallands län",
    "14": "Västra Götalands län",
    "17": "Värmlands län",
    "18": "Örebro län",
    "19": "Västmanlands län",
    "20": "Dalarnas län",
    "21": "Gävleborgs län",
    "22": "Västernorrlands län",
    "23": "Jämtlands län",
    "24": "Västerbottens län",
    "25": "Norrbottens län",
}
_PLAIN_PRICE = re.compile(r"^\s*(\d+(?:[.,]\d{1,2})?)\s*(?:kr|kronor|sek|:-)?\s*$", re.IGNORECASE)


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    """The record without empty optional values (``None``, ``""``, ``[]``)."""
    return {key: value for key, value in record.items() if value not in (None, "", [])}


def _link(base_url: str, name: str, slug: str) -> str:
    """An absolute address of one of our public pages; empty without a base URL."""
    if not base_url:
        return ""
    return base_url.rstrip("/") + reverse(name, args=[slug])


def _language() -> str:
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def _dates_in_words(days: Iterable[date]) -> str:
    return ", ".join(date_format(day, "l j F Y") for day in days)


# --- taxonomies -----------------------------------------------------------------------------


def taxonomy(value: str) -> dict[str, Any]:
    """One of our taxonomies (a ``Taxonomy`` value such as ``sammanhang-malgrupp``)."""
    return {
        "id": str(ids.taxonomy_id(value)),
        "name": value,
        "description": str(Taxonomy(value).label),
    }


def taxonomies() -> list[dict[str, Any]]:
    """Every taxonomy Sammanhang publishes, in the order of ``Taxonomy``."""
    return [taxonomy(value) for value in Taxonomy.values]


def taxonomy_term(term: Term) -> dict[str, Any]:
    """A term; ``parent`` must be loaded (``select_related("parent")``) when it has one."""
    return _compact(
        {
            "id": str(term.uuid),
            "code": term.code,
            "name": term.name,
            "description": (term.description_sv if _language() == "sv" else "") or term.name,
            "parent_id": str(term.parent.uuid) if term.parent_id and term.parent else None,
            "taxonomy": term.taxonomy,
            "taxonomy_id": str(ids.taxonomy_id(term.taxonomy)),
            "language": _language(),
        }
    )


def _attribute(
    owner: uuid.UUID, link_entity: str, term: Term, value: str | None = None
) -> dict[str, Any]:
    return _compact(
        {
            "id": str(ids.part_id(owner, "attribute", term.code)),
            "link_id": str(owner),
            "link_type": term.taxonomy,
            "link_entity": link_entity,
            "taxonomy_term_id": str(term.uuid),
            "value": value,
            "taxonomy_term": taxonomy_term(term),
        }
    )


def _feature_value(value: str) -> str | None:
    return {FeatureValue.YES: "true", FeatureValue.NO: "false"}.get(FeatureValue(value))


# --- organisations --------------------------------------------------------------------------


def organization_list_item(organisation: Organisation, *, base_url: str = "") -> dict[str, Any]:
    """The one-to-one fields (the compiled ``organization_list`` shape)."""
    english = _language() == "en" and organisation.description_en
    logo = ""
    if organisation.logo and base_url:
        logo = base_url.rstrip("/") + organisation.logo.url
    record = _compact(
        {
            "id": str(organisation.uuid),
            "name": organisation.name,
            "email": organisation.email,
            "website": organisation.website,
            "logo": logo,
            "uri": _link(base_url, "directory:organisation", organisation.slug),
            "parent_organization_id": (
                str(organisation.parent.uuid)
                if organisation.parent_id and organisation.parent
                else None
            ),
        }
    )
    # Required by the schema, so present even when the organisation has written none.
    record["description"] = organisation.description_en if english else organisation.description
    return record


def organization(
    organisation: Organisation,
    *,
    base_url: str = "",
    services: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The full organization: its telephone and, when given, its ``services`` (already
    serialised, list items or full services as the caller chooses)."""
    record = organization_list_item(organisation, base_url=base_url)
    if organisation.phone:
        record["phones"] = [
            {
                "id": str(ids.part_id(organisation.uuid, "phone", "main")),
                "organization_id": str(organisation.uuid),
                "number": organisation.phone,
            }
        ]
    if services is not None:
        record["services"] = services
    return record


# --- places ---------------------------------------------------------------------------------


def location_brief(place: Place) -> dict[str, Any]:
    """The one-to-one fields of a place's location (as in ``service_at_location_list``)."""
    return _compact(
        {
            "id": str(place.uuid),
            "location_type": "physical",
            "organization_id": str(place.owner.uuid),
            "name": place.name,
            "description": place.description,
            "transportation": place.how_to_get_there,
            "latitude": place.latitude,
            "longitude": place.longitude,
        }
    )


def _online_location(activity: Activity) -> dict[str, Any]:
    return {
        "id": str(ids.online_location_id(activity.uuid)),
        "location_type": "virtual",
        "organization_id": str(activity.organisation.uuid),
        "name": _("Online"),
    }


def _address(place: Place) -> dict[str, Any] | None:
    if not place.street_address:
        return None
    return _compact(
        {
            "id": str(ids.part_id(place.uuid, "address", "physical")),
            "location_id": str(place.uuid),
            "address_1": place.street_address,
            # The profile: the district is the region, the municipality the city.
            "region": place.district.name if place.district else None,
        }
    ) | {
        "city": place.municipality.name,
        "state_province": COUNTIES.get(place.municipality.code[:2], ""),
        "postal_code": place.postal_code,
        "country": COUNTRY,
        "address_type": "physical",
    }


def _accessibility_summary(place: Place) -> str:
    """ "Tillgängligt med rullstol: ja. Hiss: nej." — the known features in words."""
    parts = []
    for feature in sorted(place.features.all(), key=lambda f: (f.term.position, f.term.code)):
        if feature.value == FeatureValue.UNKNOWN:
            continue
        answer = str(FeatureValue(feature.value).label).lower()
        parts.append(f"{feature.term.name}: {answer}.")
    return " ".join(parts)


def opening_schedule(place: Place, hours: OpeningHours) -> dict[str, Any]:
    """One weekday's opening hours of a place as a weekly schedule on its location."""
    return _compact(
        {
            "id": str(hours.uuid),
            "location_id": str(place.uuid),
            "valid_from": hours.valid_from.isoformat() if hours.valid_from else None,
            "valid_to": hours.valid_to.isoformat() if hours.valid_to else None,
            "until": hours.valid_to.isoformat() if hours.valid_to else None,
            "freq": "WEEKLY",
            "wkst": "MO",
            "interval": 1,
            "byday": DAY_CODES[hours.weekday],
            "opens_at": f"{hours.opens_at:%H:%M}",
            "closes_at": f"{hours.closes_at:%H:%M}",
            "description": _closures_in_words(place, hours.weekday),
        }
    )


def _closures_in_words(place: Place, weekday: int) -> str:
    """Upcoming closures that fall on this schedule's weekday, in words."""
    today = clock.today()
    closed = [
        c.date for c in place.closures.all() if c.date >= today and c.date.isoweekday() == weekday
    ]
    if not closed:
        return ""
    return _("Closed on %(dates)s.") % {"dates": _dates_in_words(closed)}


def location(place: Place, *, base_url: str = "") -> dict[str, Any]:
    """The full location of a place: address, accessibility summary, opening hours as
    schedules and its accessibility features as attributes."""
    record = location_brief(place)
    url = _link(base_url, "directory:place", place.slug)
    if url:
        record["url"] = url
    if address := _address(place):
        record["addresses"] = [address]
    if summary := _accessibility_summary(place):
        record["accessibility"] = [
            {
                "id": str(ids.part_id(place.uuid, "accessibility", "summary")),
                "location_id": str(place.uuid),
                "description": summary,
            }
        ]
    schedules = [opening_schedule(place, hours) for hours in place.opening_hours.all()]
    if schedules:
        record["schedules"] = schedules
    attributes = [
        _attribute(place.uuid, "location", feature.term, value)
        for feature in sorted(place.features.all(), key=lambda f: (f.term.position, f.term.code))
        if (value := _feature_value(feature.value))
    ]
    if attributes:
        record["attributes"] = attributes
    return record


# --- schedules ------------------------------------------------------------------------------


def _first_date(rule: Schedule) -> date:
    """The first session's date, which iCalendar and HSDS take ``dtstart`` to be."""
    try:
        found = rule_dates(
            Rule(rule.freq, rule.interval, rule.byday, rule.valid_from, rule.valid_to),
            rule.valid_from,
            rule.valid_from + timedelta(days=400),
        )
    except ScheduleRuleError:
        found = []
    return found[0] if found else rule.valid_from


def _exceptions_in_words(rule: Schedule) -> str:
    today = clock.today()
    upcoming = [e for e in rule.exceptions.all() if e.date >= today]
    sentences = []
    cancelled = [
        date_format(e.date, "l j F Y") + (f" ({e.reason})" if e.reason else "")
        for e in upcoming
        if e.kind == ExceptionKind.CANCELLED
    ]
    if cancelled:
        sentences.append(_("Cancelled on %(dates)s.") % {"dates": ", ".join(cancelled)})
    for extra in (e for e in upcoming if e.kind == ExceptionKind.EXTRA):
        when = date_format(extra.date, "l j F Y")
        if extra.opens_at and extra.closes_at:
            when += f" {extra.opens_at:%H:%M}–{extra.closes_at:%H:%M}"
        sentences.append(_("Extra session on %(date)s.") % {"date": when})
    return " ".join(sentences)


def schedule(activity: Activity, rule: Schedule) -> dict[str, Any]:
    """An activity's schedule; held at a place, it names the place's service_at_location.

    A one-off date (our ``ONCE``) has no ``freq`` in HSDS: it is ``valid_from`` =
    ``valid_to`` = ``dtstart`` with its times.
    """
    place = rule.place
    record: dict[str, Any] = {
        "id": str(rule.uuid),
        "service_id": str(activity.uuid),
    }
    if place is not None:
        record["location_id"] = str(place.uuid)
        record["service_at_location_id"] = str(
            ids.service_at_location_id(activity.uuid, place.uuid)
        )
    if rule.freq == Frequency.ONCE:
        day = rule.valid_from.isoformat()
        record |= {"valid_from": day, "valid_to": day, "dtstart": day}
    else:
        record |= {
            "valid_from": rule.valid_from.isoformat(),
            "dtstart": _first_date(rule).isoformat(),
            "freq": rule.freq,
            "wkst": "MO",
            "interval": rule.interval,
            "byday": rule.byday,
        }
        if rule.valid_to:
            record |= {"valid_to": rule.valid_to.isoformat(), "until": rule.valid_to.isoformat()}
    record |= {"opens_at": f"{rule.opens_at:%H:%M}", "closes_at": f"{rule.closes_at:%H:%M}"}
    words = " ".join(filter(None, [_sentence(schedule_words(rule)), _exceptions_in_words(rule)]))
    record["description"] = words
    return _compact(record)


def _sentence(text: str) -> str:
    text = text.strip()
    return f"{text[:1].upper()}{text[1:]}." if text else ""


# --- activities -----------------------------------------------------------------------------


def _status(activity: Activity) -> str:
    if activity.status not in SERVICE_STATUS:
        raise ValueError(f"activity {activity.uuid} is a draft; drafts are never published")
    return SERVICE_STATUS[ActivityStatus(activity.status)]


def _description(activity: Activity) -> str:
    english = _language() == "en" and activity.summary_en
    summary = activity.summary_en if english else activity.summary
    text = "\n\n".join(part for part in (summary, activity.description) if part)
    return text or activity.easy_read


def service_minimal(activity: Activity) -> dict[str, Any]:
    """What a consumer needs to see what changed: id, name, status and ``last_modified``
    (``name`` and ``status`` because the schema requires them)."""
    return {
        "id": str(activity.uuid),
        "name": activity.title,
        "status": _status(activity),
        "last_modified": activity.updated_at.isoformat(),
    }


def service_fields(activity: Activity, base_url: str = "") -> dict[str, Any]:
    """The service's one-to-one fields (as nested in an organization's ``services``)."""
    price = "" if activity.is_free else activity.price
    return _compact(
        {
            "id": str(activity.uuid),
            "organization_id": str(activity.organisation.uuid),
            "name": activity.title,
            "description": _description(activity),
            "url": _link(base_url, "directory:activity", activity.slug),
            "email": activity.contact_email,
            "status": _status(activity),
            "fees_description": price,
            "minimum_age": activity.age_min,
            "maximum_age": activity.age_max,
            "last_modified": activity.updated_at.isoformat(),
        }
    )


def service_list_item(activity: Activity, *, base_url: str = "") -> dict[str, Any]:
    """The compiled ``service_list`` shape: one-to-one fields and the organization's."""
    return service_fields(activity, base_url) | {
        "organization": organization_list_item(activity.organisation, base_url=base_url)
    }


def _cost_options(activity: Activity) -> list[dict[str, Any]]:
    option_id = str(ids.part_id(activity.uuid, "cost_option", "main"))
    if activity.is_free:
        return [
            {
                "id": option_id,
                "service_id": str(activity.uuid),
                "option": FREE_OPTION,
                "currency": CURRENCY,
                "amount": 0,
            }
        ]
    record: dict[str, Any] = {
        "id": option_id,
        "service_id": str(activity.uuid),
        "currency": CURRENCY,
        "amount_description": activity.price,
    }
    if match := _PLAIN_PRICE.match(activity.price):
        amount = float(match[1].replace(",", "."))
        record["amount"] = int(amount) if amount.is_integer() else amount
    return [record]


def _service_attributes(activity: Activity, terms: dict[str, Term]) -> list[dict[str, Any]]:
    """Target groups, categories and accessibility features, then companion and drop-in.

    ``companion_free`` and ``drop_in`` are the source for their two terms; a feature row with
    the same term is not sent twice.
    """
    found: dict[tuple[str, str], dict[str, Any]] = {}

    def add(term: Term, value: str | None = None) -> None:
        found[(term.taxonomy, term.code)] = _attribute(activity.uuid, "service", term, value)

    for term in sorted(activity.target_groups.all(), key=lambda t: (t.position, t.code)):
        add(term)
    for term in sorted(activity.categories.all(), key=lambda t: (t.position, t.code)):
        add(term)
    companion: Term | None = None
    drop_in: Term | None = None
    for feature in sorted(activity.features.all(), key=lambda f: (f.term.position, f.term.code)):
        if feature.term.code == COMPANION_CODE:
            companion = feature.term
        elif feature.term.code == DROP_IN_CODE:
            drop_in = feature.term
        elif value := _feature_value(feature.value):
            add(feature.term, value)
    companion = companion or terms.get(COMPANION_CODE)
    drop_in = drop_in or terms.get(DROP_IN_CODE)
    if companion and activity.companion_free != CompanionFree.UNKNOWN:
        add(companion, "true" if activity.companion_free == CompanionFree.YES else "false")
    if drop_in and activity.drop_in:
        add(drop_in, "true")
    return list(found.values())


def derived_terms() -> dict[str, Term]:
    """The two accessibility terms the profile derives from fields (``companion_free``,
    ``drop_in``), by code: read them once and pass them to ``service`` for a whole page."""
    return {
        term.code: term
        for term in Term.objects.filter(
            taxonomy=Taxonomy.ACCESSIBILITY, code__in=(COMPANION_CODE, DROP_IN_CODE)
        ).select_related("parent")
    }


def service_at_locations_of(activity: Activity) -> list[Place | None]:
    """Where the activity is held: its places by name, then ``None`` for online."""
    held: list[Place] = sorted(activity.places.all(), key=lambda p: (p.name, p.pk))
    places: list[Place | None] = [*held]
    if activity.online:
        places.append(None)
    return places


def service_at_location_id(activity: Activity, place: Place | None) -> uuid.UUID:
    """The id of the activity held at ``place`` (``None``: its online, virtual location)."""
    location_id = place.uuid if place else ids.online_location_id(activity.uuid)
    return ids.service_at_location_id(activity.uuid, location_id)


def _schedules_at(activity: Activity, place: Place | None) -> list[dict[str, Any]]:
    rules = sorted(activity.schedules.all(), key=lambda s: s.pk)
    if place is None:
        return [schedule(activity, rule) for rule in rules if rule.place_id is None]
    return [schedule(activity, rule) for rule in rules if rule.place_id == place.pk]


def service_at_location_list_item(
    activity: Activity, place: Place | None, *, base_url: str = ""
) -> dict[str, Any]:
    """The compiled ``service_at_location_list`` shape: ids, the location's and the
    service's one-to-one fields."""
    location_record = location_brief(place) if place else _online_location(activity)
    return _compact(
        {
            "id": str(service_at_location_id(activity, place)),
            "service_id": str(activity.uuid),
            "location_id": location_record["id"],
            "location": location_record,
            "service": service_list_item(activity, base_url=base_url),
        }
    )


def service_at_location(
    activity: Activity, place: Place | None, *, base_url: str = ""
) -> dict[str, Any]:
    """The full service_at_location: the full location and the schedules held there.

    For an online activity (``place`` None) the location is virtual and the schedules are
    those without a place.
    """
    location_record = location(place, base_url=base_url) if place else _online_location(activity)
    schedules = _schedules_at(activity, place) if place else []
    return _compact(
        {
            "id": str(service_at_location_id(activity, place)),
            "service_id": str(activity.uuid),
            "location_id": location_record["id"],
            "schedules": schedules,
            "location": location_record,
        }
    )


def service(
    activity: Activity, *, base_url: str = "", terms: dict[str, Term] | None = None
) -> dict[str, Any]:
    """The full service: everything the profile maps, with its organization and where it is
    held. ``terms`` is ``derived_terms()``, read once for many services (read here if not
    given). Raises ``ValueError`` for a draft."""
    record = service_fields(activity, base_url)
    if activity.contact_phone:
        record["phones"] = [
            {
                "id": str(ids.part_id(activity.uuid, "phone", "contact")),
                "service_id": str(activity.uuid),
                "number": activity.contact_phone,
            }
        ]
    placeless = [
        schedule(activity, rule)
        for rule in sorted(activity.schedules.all(), key=lambda s: s.pk)
        if rule.place_id is None
    ]
    districts = {
        (place.municipality.code, place.district.code): place.district
        for place in activity.places.all()
        if place.district
    }
    record |= _compact(
        {
            "schedules": placeless,
            "service_areas": [
                {
                    "id": str(ids.part_id(activity.uuid, "service_area", f"{key[0]}/{key[1]}")),
                    "service_id": str(activity.uuid),
                    "name": district.name,
                    "extent_type": "other",
                }
                for key, district in sorted(districts.items(), key=lambda kv: kv[1].name)
            ],
            "service_at_locations": [
                service_at_location(activity, place, base_url=base_url)
                for place in service_at_locations_of(activity)
            ],
            "languages": [
                {
                    "id": str(ids.part_id(activity.uuid, "language", language.code)),
                    "service_id": str(activity.uuid),
                    "name": language_name(language.code),
                    "code": language.code,
                }
                for language in sorted(activity.languages.all(), key=lambda lang: lang.code)
            ],
            "organization": organization(activity.organisation, base_url=base_url),
            "cost_options": _cost_options(activity),
            "contacts": [
                {
                    "id": str(ids.part_id(activity.uuid, "contact", "role")),
                    "service_id": str(activity.uuid),
                    "title": activity.contact_role,
                }
            ]
            if activity.contact_role
            else [],
            "attributes": _service_attributes(
                activity, derived_terms() if terms is None else terms
            ),
        }
    )
    return record

"""The HSDS 3.0 API under ``/api/hsds/``: Open Referral's read-only endpoints over the public
directory, shaped by ``interop.hsds.serialize`` and read through ``interop.hsds.selectors``.

Plain views rather than a second NinjaAPI: the contract is the specification's own
``openapi.json`` (served at ``openapi.json``), not one generated from our code, and ``ndjson``
streams records without the page envelope.

Every endpoint accepts exactly the query parameters the specification lists for its path,
plus ``lang`` (``sv``, the default, or ``en``; ``Accept-Language`` also works): anything else,
or a value that cannot be used, is a 400 with a message per parameter in the client's
language; an unknown id is a 404.
"""

from __future__ import annotations

import functools
import json
import math
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django import forms
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sammanhang.api.api import _language, not_found_text
from sammanhang.api.forms import (
    FALSE_WORDS,
    INVALID_CHOICE,
    LANGUAGES,
    TRUE_WORDS,
    ApiInputError,
)
from sammanhang.directory.models import Taxonomy, Term
from sammanhang.interop.hsds import ids, schemas, selectors, serialize

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 100_000
MAX_PROXIMITY_METRES = 100_000
NDJSON_TYPE = "application/x-ndjson; charset=utf-8"
# Inside the package (docs/hsds-profile.md links to it), so an installed site serves it too.
PROFILE_FILE = (
    Path(__file__).resolve().parents[1] / "interop" / "standards" / "sammanhang-hsds-profile.md"
)

LIST = ("search", "page", "per_page", "format")
SERVICE_FILTERS = ("taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after")


class _Fields(forms.Form):
    """The parameters Django's own fields check, for their translated messages."""

    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    per_page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PER_PAGE)
    search = forms.CharField(required=False, max_length=200)
    postcode = forms.CharField(required=False, max_length=10)


class _Query:
    """The parsed query string of one request; collects every problem before refusing."""

    def __init__(self, request: HttpRequest, allowed: Iterable[str]) -> None:
        self.request = request
        self.allowed = {*allowed, "lang"}
        self.errors: dict[str, list[str]] = {}
        for name in request.GET:
            if name not in self.allowed:
                self.errors[name] = [_("Unknown parameter.")]
        for name in request.GET:
            if name in self.allowed and len(request.GET.getlist(name)) > 1:
                self.errors[name] = [_("Give this parameter once.")]
        form = _Fields({k: v for k, v in request.GET.items() if k in _Fields.base_fields})
        form.is_valid()
        for name, messages in form.errors.items():
            if name in self.allowed:
                self.errors[name] = [str(m) for m in messages]
        # What did parse (a valid ``page`` beside a bad ``per_page``); bad ones are left out.
        self.numbers: dict[str, Any] = dict(form.cleaned_data)
        self.ndjson = self._format() if "format" in self.allowed else False
        if (language := self.raw("lang")) and language not in LANGUAGES:
            self.fail("lang", str(INVALID_CHOICE % {"value": language}))

    def raw(self, name: str) -> str:
        return self.request.GET.get(name, "").strip()

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def check(self) -> None:
        if self.errors:
            raise ApiInputError(self.errors)

    def text(self, name: str) -> str:
        return str(self.numbers.get(name) or "").strip()

    def boolean(self, name: str) -> bool:
        word = self.raw(name).lower()
        if word in TRUE_WORDS:
            return True
        if word not in FALSE_WORDS:
            self.fail(name, _("Enter true or false."))
        return False

    def paging(self) -> tuple[int, int]:
        return self.numbers.get("page") or 1, self.numbers.get("per_page") or DEFAULT_PER_PAGE

    def _format(self) -> bool:
        value = self.raw("format") or "json"
        if value not in ("json", "ndjson"):
            self.fail("format", _("Choose json or ndjson."))
        return value == "ndjson"

    def uuid(self, name: str) -> uuid.UUID | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            self.fail(name, _("Enter an identifier (a UUID)."))
            return None

    def term(self, name: str) -> Term | None:
        """A taxonomy term by its UUID or, for people typing URLs, its code."""
        value = self.raw(name)
        if not value:
            return None
        try:
            term = selectors.taxonomy_term_by_id(uuid.UUID(value))
        except ValueError:
            term = Term.objects.filter(code=value).order_by("taxonomy").first()
        if term is None:
            self.fail(name, _("No taxonomy term has the identifier %(value)s.") % {"value": value})
        return term

    def taxonomy(self, name: str = "taxonomy_id") -> str:
        """A taxonomy by its UUID or its name (``sammanhang-malgrupp``)."""
        value = self.raw(name)
        if not value:
            return ""
        for known in Taxonomy.values:
            if value in (known, str(ids.taxonomy_id(known))):
                return known
        self.fail(name, _("No taxonomy has the identifier %(value)s.") % {"value": value})
        return ""

    def moment(self, name: str) -> datetime | None:
        """An ISO 8601 date-time; without a UTC offset it is Swedish time; a date alone is
        its midnight."""
        value = self.raw(name)
        if not value:
            return None
        try:
            moment = parse_datetime(value.replace(" ", "+"))
            if moment is None and (day := parse_date(value)) is not None:
                moment = datetime.combine(day, time())
        except ValueError:
            moment = None
        if moment is None:
            self.fail(name, _("Enter a date and time such as 2026-12-01T08:00:00+01:00."))
            return None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    def service_filter(self) -> selectors.ServiceFilter:
        organisation = None
        if (organisation_id := self.uuid("organization_id")) is not None:
            organisation = selectors.organization_by_id(organisation_id)
            if organisation is None:
                self.fail(
                    "organization_id",
                    _("No organization has the identifier %(value)s.") % {"value": organisation_id},
                )
        return selectors.ServiceFilter(
            search=self.text("search"),
            taxonomy_term=self.term("taxonomy_term_id"),
            taxonomy=self.taxonomy(),
            organization=organisation,
            modified_after=self.moment("modified_after"),
        )

    def place_filter(self) -> selectors.PlaceFilter:
        postcode = self.text("postcode")
        raw = self.raw("proximity")
        if not raw:
            return selectors.PlaceFilter(postcode=postcode)
        try:
            metres = float(raw)
        except ValueError:
            metres = math.nan
        if not (math.isfinite(metres) and 0 < metres <= MAX_PROXIMITY_METRES):
            self.fail(
                "proximity",
                _("Enter a distance in metres, more than 0 and at most %(max)s.")
                % {"max": MAX_PROXIMITY_METRES},
            )
            return selectors.PlaceFilter(postcode=postcode)
        if not postcode:
            self.fail("proximity", _("Give a postcode to measure the distance from."))
            return selectors.PlaceFilter()
        centre = selectors.postcode_centroid(postcode)
        if centre is None:
            self.fail(
                "postcode",
                _(
                    "None of our places has the postcode %(value)s, so there is no point to "
                    "measure the distance from."
                )
                % {"value": postcode},
            )
        return selectors.PlaceFilter(postcode=postcode, centre=centre, metres=metres)


def _json(body: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _error(status: int, detail: str, errors: dict[str, list[str]]) -> JsonResponse:
    return _json({"detail": detail, "errors": errors}, status=status)


def hsds_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """GET only, in the client's language, with errors as JSON."""

    @require_GET
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        translation.activate(_language(request))
        try:
            return view(request, *args, **kwargs)
        except ApiInputError as error:
            detail = _("Some parameters have values that cannot be used.")
            return _error(400, detail, error.errors)
        except Http404:
            return _error(404, not_found_text(), {})

    return wrapper


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


def _page(
    total: int,
    page: int,
    per_page: int,
    contents: list[dict[str, Any]],
) -> dict[str, Any]:
    """The specification's ``Page``: counts, where this page is, and its records."""
    pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": total == 0,
        "contents": contents,
    }


def _ndjson(records: Iterable[dict[str, Any]]) -> StreamingHttpResponse:
    """Every record, one JSON document per line, in the language of the request."""
    language = translation.get_language()

    def lines() -> Iterator[str]:
        with translation.override(language):
            for record in records:
                yield json.dumps(record, ensure_ascii=False) + "\n"

    return StreamingHttpResponse(lines(), content_type=NDJSON_TYPE)


def _list(
    query: _Query,
    items: Any,
    render: Callable[[Any], dict[str, Any]],
    *,
    chunked: Callable[[], Iterable[Any]] | None = None,
) -> HttpResponseBase:
    """A Page of ``items`` (a queryset, list or ``ServiceAtLocations``) or all of them as
    ndjson. ``chunked`` iterates the whole set in batches, for querysets with prefetches."""
    page, per_page = query.paging()
    query.check()
    if query.ndjson:
        every = chunked() if chunked else items
        return _ndjson(render(item) for item in every)
    total = items.count() if not isinstance(items, list) else len(items)
    start = (page - 1) * per_page
    if start >= total:
        shown: list[Any] = []
    elif isinstance(items, selectors.ServiceAtLocations):
        shown = items.page(start, start + per_page)
    else:
        shown = list(items[start : start + per_page])
    return _json(_page(total, page, per_page, [render(item) for item in shown]))


# --- endpoints ------------------------------------------------------------------------------


@hsds_view
def index(request: HttpRequest) -> HttpResponseBase:
    _Query(request, ()).check()
    return _json(
        {
            "version": serialize.HSDS_VERSION,
            "profile": request.build_absolute_uri(reverse("hsds-profile")),
            "openapi_url": request.build_absolute_uri(reverse("hsds-openapi")),
        }
    )


@hsds_view
def openapi(request: HttpRequest) -> HttpResponseBase:
    """The specification's OpenAPI document with this API's name, licence and address."""
    _Query(request, ()).check()
    document = json.loads((schemas.SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))
    document["info"] = {
        "title": "Sammanhang HSDS API",
        "version": serialize.HSDS_VERSION,
        "summary": "Open data about activities, places and organisations in HSDS 3.0.",
        "description": (
            "Read only, no key. Swedish by default; lang=en or Accept-Language: en for English "
            "names. Mapping: the profile linked from GET /api/hsds/."
        ),
        "license": {"name": "CC0 1.0", "url": "https://creativecommons.org/publicdomain/zero/1.0/"},
    }
    document["servers"] = [{"url": request.build_absolute_uri(reverse("hsds-index"))}]
    return _json(document)


@hsds_view
def profile(request: HttpRequest) -> HttpResponseBase:
    """Our HSDS profile (how our fields map onto HSDS), as the Markdown the docs hold."""
    _Query(request, ()).check()
    return HttpResponse(
        PROFILE_FILE.read_text(encoding="utf-8"), content_type="text/markdown; charset=utf-8"
    )


@hsds_view
def service_list(request: HttpRequest) -> HttpResponseBase:
    query = _Query(request, (*LIST, *SERVICE_FILTERS, "minimal", "full"))
    criteria = query.service_filter()
    minimal, full = query.boolean("minimal"), query.boolean("full")
    if minimal and full:
        query.fail("minimal", _("Choose minimal or full, not both."))
    query.check()
    base = _base_url(request)
    activities = selectors.service_list(criteria, full=full and not minimal)
    render: Callable[[Any], dict[str, Any]]
    if minimal:
        render = serialize.service_minimal
    elif full:
        terms = serialize.derived_terms()
        render = functools.partial(serialize.service, base_url=base, terms=terms)
    else:
        render = functools.partial(serialize.service_list_item, base_url=base)
    return _list(query, activities, render, chunked=lambda: activities.iterator(chunk_size=200))


@hsds_view
def service_detail(request: HttpRequest, service_id: str) -> HttpResponseBase:
    _Query(request, ()).check()
    activity = selectors.service_by_id(_id(service_id))
    if activity is None:
        raise Http404
    return _json(serialize.service(activity, base_url=_base_url(request)))


def _organization_renderer(
    request: HttpRequest, *, full: bool, full_service: bool
) -> Callable[[Any], dict[str, Any]]:
    base = _base_url(request)
    terms = serialize.derived_terms() if full_service else {}

    def render(organisation: Any) -> dict[str, Any]:
        if not (full or full_service):
            return serialize.organization_list_item(organisation, base_url=base)
        if full_service:
            services = [
                serialize.service(a, base_url=base, terms=terms)
                for a in organisation.public_services
            ]
        else:
            services = [serialize.service_fields(a, base) for a in organisation.public_services]
        return serialize.organization(organisation, base_url=base, services=services)

    return render


@hsds_view
def organization_list(request: HttpRequest) -> HttpResponseBase:
    query = _Query(request, (*LIST, "full_service", "full"))
    full, full_service = query.boolean("full"), query.boolean("full_service")
    query.check()
    organisations = selectors.organization_list(query.text("search"))
    if full or full_service:
        organisations = selectors.with_organization_relations(
            organisations, full_services=full_service
        )
    render = _organization_renderer(request, full=full, full_service=full_service)
    return _list(
        query, organisations, render, chunked=lambda: organisations.iterator(chunk_size=100)
    )


@hsds_view
def organization_detail(request: HttpRequest, organization_id: str) -> HttpResponseBase:
    query = _Query(request, ("full_service",))
    full_service = query.boolean("full_service")
    query.check()
    organisations = selectors.with_organization_relations(
        selectors.organization_list().filter(uuid=_id(organization_id)),
        full_services=full_service,
    )
    organisation = organisations.first()
    if organisation is None:
        raise Http404
    render = _organization_renderer(request, full=True, full_service=full_service)
    return _json(render(organisation))


@hsds_view
def service_at_location_list(request: HttpRequest) -> HttpResponseBase:
    query = _Query(request, (*LIST, *SERVICE_FILTERS, "full", "postcode", "proximity"))
    criteria = query.service_filter()
    places = query.place_filter()
    full = query.boolean("full")
    query.check()
    links = selectors.ServiceAtLocations(criteria, places, full=full)
    base = _base_url(request)

    def render(pair: tuple[Any, Any]) -> dict[str, Any]:
        activity, place = pair
        if full:
            return serialize.service_at_location(activity, place, base_url=base)
        return serialize.service_at_location_list_item(activity, place, base_url=base)

    return _list(query, links, render)


@hsds_view
def service_at_location_detail(request: HttpRequest, link_id: str) -> HttpResponseBase:
    _Query(request, ()).check()
    found = selectors.service_at_location_by_id(_id(link_id))
    if found is None:
        raise Http404
    activity, place = found
    return _json(serialize.service_at_location(activity, place, base_url=_base_url(request)))


@hsds_view
def taxonomy_list(request: HttpRequest) -> HttpResponseBase:
    query = _Query(request, LIST)
    values = selectors.taxonomy_values(query.text("search"))
    return _list(query, values, serialize.taxonomy)


@hsds_view
def taxonomy_detail(request: HttpRequest, taxonomy_id: str) -> HttpResponseBase:
    _Query(request, ()).check()
    wanted = _id(taxonomy_id)
    for value in Taxonomy.values:
        if ids.taxonomy_id(value) == wanted:
            return _json(serialize.taxonomy(value))
    raise Http404


@hsds_view
def taxonomy_term_list(request: HttpRequest) -> HttpResponseBase:
    query = _Query(request, (*LIST, "taxonomy_id", "top_only", "parent_id"))
    taxonomy = query.taxonomy()
    top_only = query.boolean("top_only")
    parent = None
    if (parent_id := query.uuid("parent_id")) is not None:
        parent = selectors.taxonomy_term_by_id(parent_id)
        if parent is None:
            query.fail(
                "parent_id",
                _("No taxonomy term has the identifier %(value)s.") % {"value": parent_id},
            )
    query.check()
    terms = selectors.taxonomy_term_list(
        text=query.text("search"), taxonomy=taxonomy, top_only=top_only, parent=parent
    )
    return _list(query, terms, serialize.taxonomy_term)


@hsds_view
def taxonomy_term_detail(request: HttpRequest, term_id: str) -> HttpResponseBase:
    _Query(request, ()).check()
    term = selectors.taxonomy_term_by_id(_id(term_id))
    if term is None:
        raise Http404
    return _json(serialize.taxonomy_term(term))

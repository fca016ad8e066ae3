"""The JSON API, version 1: thin endpoints over the directory's selectors.

The activity list is the HTML finder: ``FinderForm`` parses the same parameters with the same
messages and ``activity_list_for_finder`` runs the same query, so a filter added to the
finder appears here (and in the OpenAPI document) without changes to this module.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)
from ninja import NinjaAPI
from ninja.errors import ValidationError

from sammanhang.api import forms as api_forms
from sammanhang.api import records, schemas, selectors
from sammanhang.api.forms import ApiInputError
from sammanhang.directory import selectors as directory_selectors
from sammanhang.directory.finder import FinderResults
from sammanhang.directory.forms import FinderForm
from sammanhang.directory.selectors import FinderCriteria

api = NinjaAPI(
    title="Sammanhang API",
    version="1",
    description=(
        "Open data about activities, meeting places and organisations. Read only, no key "
        "needed. The activity filters are the public finder's, with the same names and "
        "meanings. Swedish names by default; `lang=en` or `Accept-Language: en` for English."
    ),
    urls_namespace="api-v1",
)

ERRORS = {400: schemas.Error, 404: schemas.Error}


def _language(request: HttpRequest) -> str:
    """``lang`` if valid, else the best of ``Accept-Language``, else Swedish."""
    asked = request.GET.get("lang", "")
    if asked in api_forms.LANGUAGES:
        return asked
    if not asked:
        header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
        for code, _quality in parse_accept_lang_header(header):
            if code == "*":
                continue
            try:
                return get_supported_language_variant(code)
            except LookupError:
                continue
    return settings.LANGUAGE_CODE


def in_language(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run the endpoint, its error messages and its URLs in the client's language.

    The language stays active until the response leaves, so Django's locale middleware
    names it in ``Content-Language``; the next request activates its own.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        translation.activate(_language(request))
        return view(request, *args, **kwargs)

    return wrapper


@api.exception_handler(ApiInputError)
def _bad_input(request: HttpRequest, exc: ApiInputError) -> HttpResponse:
    body = {"detail": _("Some parameters have values that cannot be used."), "errors": exc.errors}
    return api.create_response(request, body, status=400)


@api.exception_handler(ValidationError)
def _bad_shape(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        name = str(error.get("loc", ["?"])[-1])
        errors.setdefault(name, []).append(str(error.get("msg", "")))
    body = {"detail": _("Some parameters have values that cannot be used."), "errors": errors}
    return api.create_response(request, body, status=400)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": not_found_text(), "errors": {}}, status=404)


def not_found_text() -> str:
    return _("Nothing was found here. Check the address and the identifier.")


def _query_parameter(name: str, field: forms.Field) -> dict[str, Any]:
    """An OpenAPI query parameter described from a form field."""
    schema: dict[str, Any]
    if isinstance(field, forms.BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
        for key, attr in (("minimum", "min_value"), ("maximum", "max_value")):
            if getattr(field, attr, None) is not None:
                schema[key] = getattr(field, attr)
    elif isinstance(field, forms.FloatField | forms.DecimalField):
        schema = {"type": "number"}
    elif isinstance(field, forms.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, forms.DateTimeField):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(field, forms.TimeField):
        schema = {"type": "string", "pattern": r"^\d{1,2}([:.]\d{2})?$", "examples": ["16:00"]}
    else:
        schema = {"type": "string"}
        if getattr(field, "max_length", None):
            schema["maxLength"] = field.max_length  # type: ignore[attr-defined]
    if isinstance(field, forms.ChoiceField):
        options = cast(Iterable[tuple[Any, Any]], field.choices)
        static = [code for code, _label in options if code != ""]
        if static:
            integer = all(isinstance(code, int) for code in static)
            schema = {"type": "integer" if integer else "string", "enum": static}
    multiple = isinstance(field, forms.MultipleChoiceField)
    with translation.override("en"):
        description = str(field.label or name)
        if multiple:
            description += ". Repeat the parameter for several values (any of them matches)."
        if isinstance(field, forms.ChoiceField) and not field.choices:
            description += " Allowed values: GET /api/v1/filters."
    return {
        "in": "query",
        "name": name,
        "required": False,
        "description": description,
        "schema": {"type": "array", "items": schema} if multiple else schema,
        **({"style": "form", "explode": True} if multiple else {}),
    }


def _parameters(form_class: type[forms.Form], *, paginated: bool = True) -> list[dict[str, Any]]:
    fields: dict[str, forms.Field] = dict(form_class.base_fields)
    if paginated:
        fields.update(api_forms.PageForm.base_fields)
    else:
        fields["lang"] = api_forms.PageForm.base_fields["lang"]
    return [_query_parameter(name, field) for name, field in fields.items()]


def _docs(form_class: type[forms.Form] | None = None) -> dict[str, Any]:
    if form_class is None:
        return {"parameters": [_query_parameter("lang", api_forms.PageForm.base_fields["lang"])]}
    return {"parameters": _parameters(form_class)}


def _page(
    results: QuerySet[Any] | FinderResults,
    paging: dict[str, Any],
    record: Callable[[Any], dict[str, Any]],
    *,
    attach: Callable[[list[Any]], None] | None = None,
) -> dict[str, Any]:
    """The list endpoints' shared envelope: paging echoed back, the total and one page.

    ``count_exact`` is false when the finder stopped counting (``count`` is then a floor).
    ``attach`` adds to the page's objects what one query for the whole page gives.
    """
    count = results.count()
    start = (paging["page"] - 1) * paging["per_page"]
    items = list(results[start : start + paging["per_page"]]) if start < count else []
    if attach is not None:
        attach(items)
    return {
        **paging,
        "count": count,
        "count_exact": getattr(results, "count_exact", True),
        "results": [record(item) for item in items],
    }


def _check_language_only(request: HttpRequest, *, also: tuple[str, ...] = ()) -> None:
    """Detail endpoints take no parameter but ``lang`` (and those named in ``also``)."""
    allowed = ("lang", *also)
    errors = {name: [_("Unknown parameter.")] for name in request.GET if name not in allowed}
    form = api_forms.PageForm({"lang": request.GET.get("lang", "")})
    if not form.is_valid():
        errors.update({n: [str(m) for m in msgs] for n, msgs in form.errors.items()})
    if errors:
        raise ApiInputError(errors)


@api.get(
    "/activities",
    response={200: schemas.ActivityPage, **ERRORS},
    summary="Find activities",
    openapi_extra=_docs(api_forms.ActivityListForm),
    tags=["activities"],
)
@in_language
def activity_list(request: HttpRequest) -> dict[str, Any]:
    """Published activities matching the finder's filters, in the finder's order; or, with
    ``modified_after`` (and no filter), every published activity changed since then."""
    form, paging = api_forms.parse_finder(request.GET)
    since = form.cleaned_data.get("modified_after")
    if since is not None:
        return _page(
            selectors.activity_list_modified(since),
            paging,
            lambda a: records.activity(request, a, occurrences=a.upcoming),
            attach=_attach_upcoming,
        )
    activities = directory_selectors.activity_list_for_finder(
        form.criteria(), decorate=selectors.activity_prefetches
    )
    return _page(activities, paging, lambda a: records.activity(request, a, occurrences=a.upcoming))


def _attach_upcoming(page: list[Any]) -> None:
    """The next sessions of each activity, as an unfiltered finder search shows them."""
    shown = directory_selectors.upcoming_sessions(FinderCriteria(), [a.pk for a in page])
    for activity in page:
        activity.upcoming = shown.get(activity.pk, [])


@api.get(
    "/activities/{ref}",
    response={200: schemas.ActivityDetail, **ERRORS},
    summary="One activity, by UUID or slug",
    openapi_extra=_docs(),
    tags=["activities"],
)
@in_language
def activity_detail(request: HttpRequest, ref: str) -> dict[str, Any]:
    _check_language_only(request)
    activity = selectors.activity_published(ref)
    if activity is None:
        raise Http404
    occurrences = directory_selectors.occurrences_upcoming(activity=activity)
    return {
        **records.activity(request, activity, occurrences=occurrences),
        "features": [records.term(f.term) for f in activity.features.all()],
    }


@api.get(
    "/places",
    response={200: schemas.PlacePage, **ERRORS},
    summary="Places",
    openapi_extra=_docs(api_forms.PlaceListForm),
    tags=["places"],
)
@in_language
def place_list(request: HttpRequest) -> dict[str, Any]:
    form, paging = api_forms.parse(request.GET, api_forms.PlaceListForm)
    data = form.cleaned_data
    places = selectors.place_list(
        districts=data["district"],
        municipalities=data["municipality"],
        features=data["feature"],
        text=data["q"],
        modified_after=data["modified_after"],
    )
    return _page(places, paging, lambda p: records.place(request, p))


@api.get(
    "/places/{ref}",
    response={200: schemas.PlaceDetail, **ERRORS},
    summary="One place, by UUID or slug",
    openapi_extra=_docs(),
    tags=["places"],
)
@in_language
def place_detail(request: HttpRequest, ref: str) -> dict[str, Any]:
    _check_language_only(request)
    place = selectors.place_by_ref(ref)
    if place is None:
        raise Http404
    return {
        **records.place(request, place),
        "open_now": directory_selectors.place_is_open(place),
        "opening_hours": [records.opening_hours(h) for h in place.opening_hours.all()],
        "closures": [
            records.closure(c) for c in directory_selectors.place_closures_upcoming(place)
        ],
        "activities": [
            records.activity_brief(request, a) for a in selectors.place_activities(place)
        ],
    }


@api.get(
    "/organisations",
    response={200: schemas.OrganisationPage, **ERRORS},
    summary="Organisations",
    openapi_extra=_docs(api_forms.OrganisationListForm),
    tags=["organisations"],
)
@in_language
def organisation_list(request: HttpRequest) -> dict[str, Any]:
    form, paging = api_forms.parse(request.GET, api_forms.OrganisationListForm)
    data = form.cleaned_data
    organisations = selectors.organisation_list(
        kinds=data["kind"], text=data["q"], modified_after=data["modified_after"]
    )
    return _page(organisations, paging, lambda o: records.organisation(request, o))


@api.get(
    "/organisations/{ref}",
    response={200: schemas.OrganisationDetail, **ERRORS},
    summary="One organisation, by UUID or slug",
    openapi_extra=_docs(),
    tags=["organisations"],
)
@in_language
def organisation_detail(request: HttpRequest, ref: str) -> dict[str, Any]:
    _check_language_only(request)
    organisation = selectors.organisation_by_ref(ref)
    if organisation is None:
        raise Http404
    return {
        **records.organisation(request, organisation),
        "activities": [
            records.activity_brief(request, a)
            for a in selectors.organisation_activities(organisation)
        ],
    }


@api.get(
    "/deletions",
    response={200: schemas.DeletionPage, **ERRORS},
    summary="Records deleted or taken out of public view (tombstones)",
    openapi_extra=_docs(api_forms.DeletionListForm),
    tags=["sync"],
)
@in_language
def deletion_list(request: HttpRequest) -> dict[str, Any]:
    """Activities, places and organisations a copy must drop, oldest first; kept for
    ``core.services.TOMBSTONE_RETENTION_DAYS`` days. The uuids are also the HSDS ids."""
    form, paging = api_forms.parse(request.GET, api_forms.DeletionListForm)
    deletions = selectors.deletion_list(since=form.cleaned_data["modified_after"])
    return _page(deletions, paging, records.deletion)


def _filter_type(field: forms.Field) -> str:
    for kind, name in (
        (forms.BooleanField, "boolean"),
        (forms.IntegerField, "integer"),
        (forms.FloatField, "number"),
        (forms.DecimalField, "number"),
        (forms.DateField, "date"),
        (forms.TimeField, "time"),
        (forms.ChoiceField, "choice"),
    ):
        if isinstance(field, kind):
            return name
    return "text"


@api.get(
    "/filters",
    response={200: schemas.Filters, **ERRORS},
    summary="The activity filters and their allowed values",
    openapi_extra={
        "parameters": [
            _query_parameter("lang", api_forms.PageForm.base_fields["lang"]),
            _query_parameter("municipality", FinderForm.base_fields["municipality"]),
        ]
    },
    tags=["activities"],
)
@in_language
def filters(request: HttpRequest) -> dict[str, Any]:
    """Every parameter of ``GET /activities`` with its label and, for choices, the values.

    Where there are several municipalities, district codes repeat between them, so the
    districts are listed for the ``municipality`` asked for (all of them when there is one).
    """
    _check_language_only(request, also=("municipality",))
    municipality = request.GET.get("municipality", "")
    form = FinderForm({"municipality": municipality} if municipality else None)
    if municipality and not form.is_valid() and "municipality" in form.errors:
        raise ApiInputError({"municipality": [str(m) for m in form.errors["municipality"]]})
    result = []
    for name, field in form.fields.items():
        choices = getattr(field, "choices", []) if isinstance(field, forms.ChoiceField) else []
        result.append(
            {
                "name": name,
                "label": str(field.label),
                "type": _filter_type(field),
                "multiple": isinstance(field, forms.MultipleChoiceField),
                "choices": [
                    {"code": str(code), "name": str(label)} for code, label in choices if code != ""
                ],
            }
        )
    return {"filters": result}

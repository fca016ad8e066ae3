"""Provider (staff) pages for an organisation's activities, schedules and places.

Thin: ``access`` decides who may open what, ``forms_staff`` parses, ``services`` write,
``selectors_staff`` read. Everything that changes data is a POST; a GET that leads to a change
shows a confirmation page first. A service's refusal becomes a form error on the field it
concerns, and the bound form is shown again so what was typed stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from sammanhang.accounts import services as account_services
from sammanhang.core.images import ImageRejected
from sammanhang.directory import selectors_staff, services
from sammanhang.directory.access import (
    Role,
    access_activity,
    access_organisation,
    access_place,
    may_edit,
    object_in,
)
from sammanhang.directory.forms_staff import (
    ActivityForm,
    ActivityListFilterForm,
    ClosureForm,
    ExtraDateForm,
    LogoForm,
    OccurrenceCancelForm,
    OpeningHoursForm,
    PhotoForm,
    PlaceForm,
    ScheduleForm,
)
from sammanhang.directory.models import (
    Activity,
    ActivityStatus,
    ExceptionKind,
    Occurrence,
    OpeningHours,
    Place,
    PlaceClosure,
    PlacePhoto,
    Schedule,
    ScheduleException,
)
from sammanhang.directory.schedules import ScheduleRuleError

GET_POST = require_http_methods(["GET", "POST"])


def _status(form: forms.Form | None) -> int:
    return 400 if form is not None and form.is_bound and form.errors else 200


def _add_service_error(form: forms.Form, exc: Exception) -> None:
    """Put a service's refusal on the form: model errors on their field when the form has it."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    elif isinstance(exc, ValidationError):
        for error in exc.messages:
            form.add_error(None, error)
    else:
        form.add_error(None, str(exc))


# --- activities -----------------------------------------------------------------------------


@login_required
def activity_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation, role = access_organisation(request.user, org_slug, needed=Role.VIEWER)
    filters = ActivityListFilterForm(request.GET)
    stale_only = filters.is_valid() and filters.cleaned_data["stale"]
    return render(
        request,
        "directory/staff/activity_list.html",
        {
            "organisation": organisation,
            "can_edit": may_edit(role),
            "filters": filters,
            "stale_only": stale_only,
            "activities": selectors_staff.activities_for_organisation(
                organisation, stale_only=stale_only
            ),
        },
    )


def _activity_initial(activity: Activity) -> tuple[dict[str, Any], dict[str, str]]:
    features = {f.term.code: f.value for f in activity.features.all()}
    initial: dict[str, Any] = {
        name: getattr(activity, name)
        for name in (
            "title",
            "summary",
            "description",
            "easy_read",
            "title_en",
            "summary_en",
            "age_min",
            "age_max",
            "is_free",
            "price",
            "companion_free",
            "companion_terms",
            "drop_in",
            "capacity",
            "contact_role",
            "contact_email",
            "contact_phone",
            "online",
        )
    }
    initial["categories"] = [t.code for t in activity.categories.all()]
    initial["target_groups"] = [t.code for t in activity.target_groups.all()]
    initial["equipment"] = [t.code for t in activity.equipment.all()]
    initial["languages"] = ", ".join(sorted(lang.code for lang in activity.languages.all()))
    initial["places"] = [p.pk for p in activity.places.all()]
    return initial, features


@login_required
@GET_POST
def activity_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation, _role = access_organisation(request.user, org_slug, needed=Role.EDITOR)
    form = ActivityForm(
        request.POST if request.method == "POST" else None,
        initial={"is_free": True, "drop_in": True, "companion_free": "unknown", "languages": "sv"},
        place_choices=selectors_staff.places_for_activity_form(organisation, None),
        features={},
    )
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            activity = services.activity_create(
                actor=request.user,
                organisation=organisation,
                slug=services.slug_unique(Activity, values["title"]),
                **values,
            )
        except (services.DirectoryError, ValidationError) as exc:
            _add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The activity was saved as a draft. Add when it takes place, then publish it."),
            )
            return redirect(
                "directory_staff:activity_detail", org_slug=organisation.slug, uuid=activity.uuid
            )
    return render(
        request,
        "directory/staff/activity_form.html",
        {"organisation": organisation, "form": form, "activity": None},
        status=_status(form),
    )


@login_required
def activity_detail(request: HttpRequest, org_slug: str, uuid: str) -> HttpResponse:
    organisation, role, activity = access_activity(request.user, org_slug, uuid, needed=Role.VIEWER)
    activity = selectors_staff.activity_for_staff(activity)
    return render(
        request,
        "directory/staff/activity_detail.html",
        {
            "organisation": organisation,
            "activity": activity,
            "can_edit": may_edit(role),
            "is_stale": selectors_staff.is_stale(activity),
            "occurrences": selectors_staff.occurrences_for_staff(activity),
            "actions": _actions_for(activity),
        },
    )


@login_required
@GET_POST
def activity_edit(request: HttpRequest, org_slug: str, uuid: str) -> HttpResponse:
    organisation, _role, activity = access_activity(
        request.user, org_slug, uuid, needed=Role.EDITOR
    )
    activity = selectors_staff.activity_for_staff(activity)
    initial, features = _activity_initial(activity)
    form = ActivityForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        place_choices=selectors_staff.places_for_activity_form(organisation, activity),
        features=features,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(actor=request.user, activity=activity, **form.service_values())
        except (services.DirectoryError, ValidationError) as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(
                "directory_staff:activity_detail", org_slug=organisation.slug, uuid=activity.uuid
            )
    return render(
        request,
        "directory/staff/activity_form.html",
        {"organisation": organisation, "form": form, "activity": activity},
        status=_status(form),
    )


# URL word -> (new status or None for delete, button text, what happens)
STATUS_ACTIONS: dict[str, tuple[str | None, Any, Any]] = {
    "publicera": (
        ActivityStatus.PUBLISHED,
        gettext_lazy("Publish"),
        gettext_lazy("The activity will be shown in the public finder."),
    ),
    "avpublicera": (
        ActivityStatus.DRAFT,
        gettext_lazy("Unpublish (make it a draft)"),
        gettext_lazy("The activity will no longer be shown to the public."),
    ),
    "stall-in": (
        ActivityStatus.CANCELLED,
        gettext_lazy("Cancel the activity"),
        gettext_lazy(
            "The activity stays on its public page marked as cancelled, "
            "but is no longer found in the finder."
        ),
    ),
    "avsluta": (
        ActivityStatus.ENDED,
        gettext_lazy("End the activity"),
        gettext_lazy(
            "The activity stays on its public page marked as ended, "
            "but is no longer found in the finder."
        ),
    ),
    "ta-bort": (
        None,
        gettext_lazy("Delete the draft"),
        gettext_lazy("The draft, its schedules and its times are deleted for good."),
    ),
}


def _actions_for(activity: Activity) -> list[tuple[str, Any]]:
    """The status actions that make sense from the activity's current status."""
    allowed = []
    for word, (status, label, _explanation) in STATUS_ACTIONS.items():
        if status is None and activity.status != ActivityStatus.DRAFT:
            continue
        if status is not None and status == activity.status:
            continue
        allowed.append((word, label))
    return allowed


@login_required
@GET_POST
def activity_status(request: HttpRequest, org_slug: str, uuid: str, action: str) -> HttpResponse:
    organisation, _role, activity = access_activity(
        request.user, org_slug, uuid, needed=Role.EDITOR
    )
    if action not in STATUS_ACTIONS:
        raise Http404
    status, label, explanation = STATUS_ACTIONS[action]
    if request.method == "POST":
        if status is None:
            try:
                services.activity_delete(actor=request.user, activity=activity)
            except services.DirectoryError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The draft was deleted."))
                return redirect("directory_staff:activity_list", org_slug=organisation.slug)
        else:
            services.activity_set_status(actor=request.user, activity=activity, status=status)
            messages.success(
                request,
                _("The status is now: %(status)s.") % {"status": activity.get_status_display()},
            )
        return redirect(
            "directory_staff:activity_detail", org_slug=organisation.slug, uuid=activity.uuid
        )
    return render(
        request,
        "directory/staff/confirm.html",
        {
            "organisation": organisation,
            "activity": activity,
            "title": label,
            "explanation": explanation,
            "button": label,
            "back": activity,
        },
    )


# --- schedules and single dates --------------------------------------------------------------


def _schedule_values_or_errors(request: HttpRequest, form: ScheduleForm) -> dict[str, Any] | None:
    return form.service_values() if request.method == "POST" and form.is_valid() else None


@login_required
@GET_POST
def schedule_create(request: HttpRequest, org_slug: str, uuid: str) -> HttpResponse:
    organisation, _role, activity = access_activity(
        request.user, org_slug, uuid, needed=Role.EDITOR
    )
    places = list(activity.places.all())
    form = ScheduleForm(
        request.POST if request.method == "POST" else None,
        initial={"freq": "WEEKLY", "interval": 1, "place": places[0].pk if places else None},
        places=places,
    )
    values = _schedule_values_or_errors(request, form)
    if values is not None:
        try:
            services.schedule_add(actor=request.user, activity=activity, **values)
        except (ScheduleRuleError, ValidationError) as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The schedule was added."))
            return redirect(
                "directory_staff:activity_detail", org_slug=organisation.slug, uuid=activity.uuid
            )
    return render(
        request,
        "directory/staff/schedule_form.html",
        {"organisation": organisation, "activity": activity, "form": form, "schedule": None},
        status=_status(form),
    )


@login_required
@GET_POST
def schedule_edit(request: HttpRequest, org_slug: str, uuid: str, schedule_id: int) -> HttpResponse:
    organisation, _role, activity = access_activity(
        request.user, org_slug, uuid, needed=Role.EDITOR
    )
    schedule = object_in(Schedule.objects.filter(activity=activity), pk=schedule_id)
    schedule.activity = activity
    places = list(activity.places.all())
    if schedule.place is not None and schedule.place not in places:
        places.append(schedule.place)
    form = ScheduleForm(
        request.POST if request.method == "POST" else None,
        initial=ScheduleForm.initial_for(schedule),
        places=places,
    )
    values = _schedule_values_or_errors(request, form)
    if values is not None:
        try:
            services.schedule_update(actor=request.user, schedule=schedule, **values)
        except (ScheduleRuleError, ValidationError) as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The schedule was changed."))
            return redirect(
                "directory_staff:activity_detail", org_slug=organisation.slug, uuid=activity.uuid
            )
    return render(
        request,
        "directory/staff/schedule_form.html",
        {"organisation": organisation, "activity": activity, "form": form, "schedule": schedule},
        status=_status(form),
    )


@login_required
@GET_POST
def schedule_delete(
    request: HttpRequest, org_slug: str, uuid: str, schedule_id: int
) -> HttpResponse:
    organisation, _role, activity = access_activity(
        request.user, org_slug, uuid, needed=Role.EDITOR
    )
    schedule = object_in(Schedule.objects.filter(activity=activity), pk=schedule_id)
    schedule.activity = activity
    if request.method == "POST":
        services.schedule_delete(actor=request.user, schedule=schedule)
        messages.success(request, _("The schedule was deleted."))
        return redirect(
            "directory_staff:activity_detail", org_slug=organisation.slug, uuid=activity.uuid
        )
    return render(
        request,
        "directory/staff/confirm.html",
        {
            "organisation": organisation,
            "activity": activity,
            "title": _("Delete the schedule"),
            "explanation": _(
                "Its times, cancelled dates and extra dates are deleted. Other schedules stay."
            ),
            "button": _("Delete the schedule"),
            "back": activity,
        },
    )


@login_required
@GET_POST
def occurrence_cancel(
    request: HttpRequest, org_slug: str, uuid: str, schedule_id: int, day: str
) -> HttpResponse:
    """Cancel one session, named by schedule and date: occurrence rows are rebuilt on every
    change, so their ids would not survive a colleague's edit between page and POST."""
    organisation, _role, activity = access_activity(
        request.user, org_slug, uuid, needed=Role.EDITOR
    )
    try:
        session_date = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    occurrence = object_in(
        Occurrence.objects.filter(activity=activity, schedule_id=schedule_id).select_related(
            "schedule", "place"
        ),
        date=session_date,
    )
    form = OccurrenceCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        occurrence.schedule.activity = activity
        services.schedule_exception_add(
            actor=request.user,
            schedule=occurrence.schedule,
            kind=ExceptionKind.CANCELLED,
            day=occurrence.date,
            reason=" ".join(form.cleaned_data["reason"].split()),
        )
        messages.success(request, _("The time was cancelled. The reason is shown to the public."))
        return redirect(
            "directory_staff:activity_detail", org_slug=organisation.slug, uuid=activity.uuid
        )
    return render(
        request,
        "directory/staff/occurrence_cancel.html",
        {
            "organisation": organisation,
            "activity": activity,
            "occurrence": occurrence,
            "form": form,
        },
        status=_status(form),
    )


@login_required
@GET_POST
def extra_date_add(
    request: HttpRequest, org_slug: str, uuid: str, schedule_id: int
) -> HttpResponse:
    organisation, _role, activity = access_activity(
        request.user, org_slug, uuid, needed=Role.EDITOR
    )
    schedule = object_in(Schedule.objects.filter(activity=activity), pk=schedule_id)
    schedule.activity = activity
    form = ExtraDateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.schedule_exception_add(
                actor=request.user,
                schedule=schedule,
                kind=ExceptionKind.EXTRA,
                day=data["date"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The extra date was added."))
            return redirect(
                "directory_staff:activity_detail", org_slug=organisation.slug, uuid=activity.uuid
            )
    return render(
        request,
        "directory/staff/extra_date_form.html",
        {"organisation": organisation, "activity": activity, "schedule": schedule, "form": form},
        status=_status(form),
    )


@login_required
@require_POST
def exception_remove(
    request: HttpRequest, org_slug: str, uuid: str, exception_id: int
) -> HttpResponse:
    organisation, _role, activity = access_activity(
        request.user, org_slug, uuid, needed=Role.EDITOR
    )
    exception = object_in(
        ScheduleException.objects.filter(schedule__activity=activity).select_related("schedule"),
        pk=exception_id,
    )
    exception.schedule.activity = activity
    services.schedule_exception_remove(actor=request.user, exception=exception)
    if exception.kind == ExceptionKind.CANCELLED:
        messages.success(request, _("The date is on again."))
    else:
        messages.success(request, _("The extra date was removed."))
    return redirect(
        "directory_staff:activity_detail", org_slug=organisation.slug, uuid=activity.uuid
    )


# --- places ---------------------------------------------------------------------------------


@login_required
def place_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation, role = access_organisation(request.user, org_slug, needed=Role.VIEWER)
    return render(
        request,
        "directory/staff/place_list.html",
        {
            "organisation": organisation,
            "can_edit": may_edit(role),
            "places": selectors_staff.places_for_organisation(organisation),
        },
    )


@login_required
@GET_POST
def place_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation, _role = access_organisation(request.user, org_slug, needed=Role.EDITOR)
    form = PlaceForm(request.POST if request.method == "POST" else None, features={})
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            place = services.place_create(
                actor=request.user,
                owner=organisation,
                slug=services.slug_unique(Place, values["name"]),
                **values,
            )
        except (services.DirectoryError, ValidationError) as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The place was created."))
            return redirect(
                "directory_staff:place_detail", org_slug=organisation.slug, uuid=place.uuid
            )
    return render(
        request,
        "directory/staff/place_form.html",
        {"organisation": organisation, "form": form, "place": None},
        status=_status(form),
    )


@login_required
def place_detail(request: HttpRequest, org_slug: str, uuid: str) -> HttpResponse:
    organisation, role, place = access_place(request.user, org_slug, uuid, needed=Role.VIEWER)
    return render(
        request,
        "directory/staff/place_detail.html",
        {
            "organisation": organisation,
            "place": selectors_staff.place_for_staff(place),
            "can_edit": may_edit(role),
        },
    )


@login_required
@GET_POST
def place_edit(request: HttpRequest, org_slug: str, uuid: str) -> HttpResponse:
    organisation, _role, place = access_place(request.user, org_slug, uuid, needed=Role.EDITOR)
    place = selectors_staff.place_for_staff(place)
    initial = {
        name: getattr(place, name)
        for name in (
            "name",
            "street_address",
            "postal_code",
            "city",
            "latitude",
            "longitude",
            "how_to_get_there",
            "description",
        )
    }
    initial["municipality"] = place.municipality_id
    initial["district"] = place.district_id
    form = PlaceForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        features={f.term.code: f.value for f in place.features.all()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.place_update(actor=request.user, place=place, **form.service_values())
        except (services.DirectoryError, ValidationError) as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(
                "directory_staff:place_detail", org_slug=organisation.slug, uuid=place.uuid
            )
    return render(
        request,
        "directory/staff/place_form.html",
        {"organisation": organisation, "form": form, "place": place},
        status=_status(form),
    )


@dataclass(frozen=True)
class _PlaceChildList:
    """One of a place's child lists (hours, closed days, pictures): its form, service calls,
    listing and messages. The three pages share the access check, the keep-what-was-typed
    error path and the redirect after a good POST; only these parts differ."""

    form_class: type[forms.Form]
    add: Callable[[Any, Place, dict[str, Any]], object]
    errors: tuple[type[Exception], ...]
    name: str
    listing: Callable[[Place], Any]
    added: str | Promise
    model: type[models.Model]
    lookup: str
    remove: Callable[[Any, Any], None]
    removed: str | Promise
    on_error: Callable[[forms.Form, Exception], None] = _add_service_error


def _photo_error(form: forms.Form, exc: Exception) -> None:
    # A refused file belongs to the file field; a missing description to its own field.
    form.add_error("image" if isinstance(exc, ImageRejected) else "alt_text", str(exc))


_PLACE_CHILD_LISTS = {
    "place_hours": _PlaceChildList(
        form_class=OpeningHoursForm,
        add=lambda actor, place, data: services.place_opening_hours_add(
            actor=actor, place=place, **data
        ),
        errors=(ValidationError,),
        name="hours",
        listing=lambda place: OpeningHours.objects.filter(place=place).order_by(
            "weekday", "opens_at"
        ),
        added=gettext_lazy("The opening hours were added."),
        model=OpeningHours,
        lookup="pk",
        remove=lambda actor, row: services.place_opening_hours_remove(actor=actor, hours=row),
        removed=gettext_lazy("The opening hours were removed."),
    ),
    "place_closures": _PlaceChildList(
        form_class=ClosureForm,
        add=lambda actor, place, data: services.place_closure_add(
            actor=actor, place=place, day=data["date"], reason=data["reason"]
        ),
        errors=(services.DirectoryError, ValidationError),
        name="closures",
        listing=lambda place: PlaceClosure.objects.filter(place=place).order_by("date"),
        added=gettext_lazy("The closed day was added."),
        model=PlaceClosure,
        lookup="pk",
        remove=lambda actor, row: services.place_closure_remove(actor=actor, closure=row),
        removed=gettext_lazy("The closed day was removed."),
    ),
    "place_photos": _PlaceChildList(
        form_class=PhotoForm,
        add=lambda actor, place, data: services.place_photo_add(
            actor=actor, place=place, upload=data["image"], alt_text=data["alt_text"]
        ),
        errors=(ImageRejected, services.DirectoryError),
        name="photos",
        listing=lambda place: PlacePhoto.objects.filter(place=place),
        added=gettext_lazy("The picture was added."),
        model=PlacePhoto,
        lookup="uuid",
        remove=lambda actor, row: services.place_photo_remove(actor=actor, photo=row),
        removed=gettext_lazy("The picture was removed."),
        on_error=_photo_error,
    ),
}


@login_required
@GET_POST
def place_child_list(request: HttpRequest, org_slug: str, uuid: str, page: str) -> HttpResponse:
    """A place's child list and the form to add one (``page`` names which, from the URLconf)."""
    spec = _PLACE_CHILD_LISTS[page]
    organisation, _role, place = access_place(request.user, org_slug, uuid, needed=Role.EDITOR)
    posted = request.method == "POST"
    form = spec.form_class(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            spec.add(request.user, place, form.cleaned_data)
        except spec.errors as exc:
            spec.on_error(form, exc)
        else:
            messages.success(request, str(spec.added))
            return redirect(f"directory_staff:{page}", org_slug=organisation.slug, uuid=place.uuid)
    return render(
        request,
        f"directory/staff/{page}.html",
        {
            "organisation": organisation,
            "place": place,
            spec.name: spec.listing(place),
            "form": form,
        },
        status=_status(form),
    )


@login_required
@require_POST
def place_child_remove(
    request: HttpRequest, org_slug: str, uuid: str, page: str, row: Any
) -> HttpResponse:
    """Remove one row of a place's child list, found only among that place's own rows."""
    spec = _PLACE_CHILD_LISTS[page]
    organisation, _role, place = access_place(request.user, org_slug, uuid, needed=Role.EDITOR)
    item: Any = object_in(spec.model._default_manager.filter(place=place), **{spec.lookup: row})
    item.place = place  # the service audits against the place; spare it a query
    spec.remove(request.user, item)
    messages.success(request, str(spec.removed))
    return redirect(f"directory_staff:{page}", org_slug=organisation.slug, uuid=place.uuid)


# --- organisation logo ----------------------------------------------------------------------


@login_required
@GET_POST
def organisation_logo(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation, _role = access_organisation(request.user, org_slug, needed=Role.EDITOR)
    removing = request.method == "POST" and request.POST.get("action") == "remove"
    form = LogoForm(
        request.POST if request.method == "POST" and not removing else None,
        request.FILES if request.method == "POST" and not removing else None,
    )
    if removing:
        account_services.organisation_logo_set(
            actor=request.user, organisation=organisation, upload=None
        )
        messages.success(request, _("The logo was removed."))
        return redirect("directory_staff:organisation_logo", org_slug=organisation.slug)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.organisation_logo_set(
                actor=request.user, organisation=organisation, upload=form.cleaned_data["logo"]
            )
        except ImageRejected as exc:
            form.add_error("logo", str(exc))
        else:
            messages.success(request, _("The logo was changed."))
            return redirect("directory_staff:organisation_logo", org_slug=organisation.slug)
    return render(
        request,
        "directory/staff/organisation_logo.html",
        {"organisation": organisation, "form": form},
        status=_status(form),
    )

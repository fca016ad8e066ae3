"""The finder's GET form: parameter names and meanings are the same in the HTML finder and
the JSON API. Quick choices (``time_of_day``, ``when``) expand into the plain filters."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from sammanhang.core import clock
from sammanhang.core import widgets as fast
from sammanhang.core.forms import KeptMarkupBoundField
from sammanhang.directory import geo, selectors
from sammanhang.directory.models import Taxonomy, Weekday
from sammanhang.directory.templatetags.directory import language_name

TIME_FORMATS = ["%H:%M", "%H.%M", "%H"]
WEEKDAYS = Weekday.choices
EVENING_STARTS = time(16)
DISTANCE_CHOICES_KM = [1, 2, 5, 10, 20]
# Finder parameters that together say "near this point"; removing the point removes them all.
POINT_PARAMETERS = ("near", "lat", "lon", "distance")
POSITION_UNUSABLE = _(
    "Your position could not be used. Use the near field to search near a place instead."
)


class TimeInput(fast.TimeInput):
    input_type = "time"


class FinderForm(forms.Form):
    q = forms.CharField(
        label=_("Search words"), max_length=200, required=False, widget=fast.TextInput
    )
    municipality = forms.ChoiceField(
        label=_("Municipality"),
        required=False,
        widget=fast.Select,
        help_text=_("Choose a municipality and search to choose among its districts."),
    )
    district = forms.MultipleChoiceField(
        label=_("District"), required=False, widget=fast.CheckboxSelectMultiple
    )
    when = forms.ChoiceField(
        label=_("Day"),
        required=False,
        widget=fast.RadioSelect,
        choices=[
            ("", _("Any day")),
            ("today", _("Today")),
            ("tomorrow", _("Tomorrow")),
            ("this_week", _("This week")),
        ],
    )
    date_from = forms.DateField(
        label=_("From date"), required=False, widget=fast.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, widget=fast.DateInput(attrs={"type": "date"})
    )
    time_of_day = forms.ChoiceField(
        label=_("Time of day"),
        required=False,
        widget=fast.RadioSelect,
        choices=[
            ("", _("Any time")),
            ("daytime", _("Daytime (starts before 16:00)")),
            ("evening", _("Evening (starts 16:00 or later)")),
            ("weekend", _("Weekend")),
        ],
    )
    weekday = forms.TypedMultipleChoiceField(
        label=_("Weekday"),
        required=False,
        coerce=int,
        choices=WEEKDAYS,
        widget=fast.CheckboxSelectMultiple,
    )
    starts_after = forms.TimeField(
        label=_("Starts at or after"),
        required=False,
        input_formats=TIME_FORMATS,
        widget=TimeInput(format="%H:%M"),
    )
    starts_before = forms.TimeField(
        label=_("Starts at or before"),
        required=False,
        input_formats=TIME_FORMATS,
        widget=TimeInput(format="%H:%M"),
    )
    ends_after = forms.TimeField(
        label=_("Ends at or after"),
        required=False,
        input_formats=TIME_FORMATS,
        widget=TimeInput(format="%H:%M"),
    )
    ends_before = forms.TimeField(
        label=_("Ends at or before"),
        required=False,
        input_formats=TIME_FORMATS,
        widget=TimeInput(format="%H:%M"),
    )
    open_now = forms.BooleanField(
        label=_("Happening now"), required=False, widget=fast.CheckboxInput
    )
    target_group = forms.MultipleChoiceField(
        label=_("For whom"), required=False, widget=fast.CheckboxSelectMultiple
    )
    category = forms.MultipleChoiceField(
        label=_("What"), required=False, widget=fast.CheckboxSelectMultiple
    )
    free = forms.BooleanField(label=_("Free"), required=False, widget=fast.CheckboxInput)
    companion_free = forms.BooleanField(
        label=_("Companion goes free"), required=False, widget=fast.CheckboxInput
    )
    drop_in = forms.BooleanField(
        label=_("Drop in, no sign-up"), required=False, widget=fast.CheckboxInput
    )
    equipment_to_borrow = forms.BooleanField(
        label=_("Equipment to borrow"),
        required=False,
        help_text=_("What you need can be borrowed free of charge at a Fritidsbank."),
        widget=fast.CheckboxInput,
    )
    feature = forms.MultipleChoiceField(
        label=_("Accessibility"), required=False, widget=fast.CheckboxSelectMultiple
    )
    language = forms.MultipleChoiceField(
        label=_("Language"), required=False, widget=fast.CheckboxSelectMultiple
    )
    age = forms.IntegerField(
        label=_("Age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Shows activities open to someone of this age."),
        # A text box with a number keyboard: a number box would drop "tio" instead of showing
        # it back beside its error message (GOV.UK's advice for whole numbers).
        widget=fast.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter an age in whole years, such as 34."),
            "min_value": _("Enter an age between 0 and 120."),
            "max_value": _("Enter an age between 0 and 120."),
        },
    )
    near = forms.CharField(
        label=_("Near"),
        max_length=200,
        required=False,
        help_text=_("The name of a meeting place, a street address or a district."),
        widget=fast.TextInput,
    )
    # Filled in by the "near me" button (static/directory/near-me.js); hidden because people
    # do not type coordinates, but kept in the URL so a shared search keeps its point.
    lat = forms.CharField(required=False, widget=fast.HiddenInput)
    lon = forms.CharField(required=False, widget=fast.HiddenInput)
    distance = forms.TypedChoiceField(
        label=_("Distance"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Within 2 km (unless you choose)")),
            *[(km, _("Within %(km)s km") % {"km": km}) for km in DISTANCE_CHOICES_KM],
        ],
        widget=fast.Select,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("next", _("Next occasion")),
            ("name", _("Name")),
            ("distance", _("Distance")),
        ],
        widget=fast.Select,
    )

    # The markup of each filter is kept per value (see KeptMarkupBoundField): the form is
    # rendered on every search and its fields are mostly empty.
    bound_field_class = KeptMarkupBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = selectors.languages_for_finder()
        lists = selectors.finder_choices()
        municipalities = lists.municipalities
        terms = lists.terms_here()
        # One municipality (a municipality's own site): its districts are listed at once and
        # there is nothing to choose. Many (a region, the whole country): listing every
        # district would make the page heavy and the list unusable, so the districts listed
        # are the chosen municipality's, or, with none chosen, those a shared link asks for.
        self.single_municipality = len(municipalities) <= 1
        chosen = self.data.get("municipality") if self.is_bound else None
        if self.single_municipality:
            districts = selectors.districts_for_finder(choices=lists)
        else:
            asked = self.data.getlist("district") if hasattr(self.data, "getlist") else []
            districts = selectors.districts_for_finder(
                municipality=chosen or None, codes=asked, choices=lists
            )
        choices: dict[str, list[tuple[str, Any]]] = {
            "municipality": [("", _("Any municipality")), *municipalities],
            "district": districts,
            "target_group": terms[Taxonomy.TARGET_GROUP],
            "category": terms[Taxonomy.CATEGORY],
            "feature": terms[Taxonomy.ACCESSIBILITY],
            "language": [(code, capfirst(language_name(code))) for code in codes],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField | forms.ChoiceField):
                field.error_messages["invalid_choice"] = _(
                    "%(value)s is not one of the choices for this filter."
                )
            if isinstance(field, forms.TimeField):
                field.error_messages["invalid"] = _("Enter a time such as 16:00.")
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = _("Enter a date such as 2026-12-24.")
            field.widget.attrs.pop("required", None)
            self.fields[name] = field

    GROUPS = [
        (
            _("When"),
            [
                "when",
                "time_of_day",
                "open_now",
                "weekday",
                "date_from",
                "date_to",
                "starts_after",
                "starts_before",
                "ends_after",
                "ends_before",
            ],
        ),
        (_("Where"), ["near", "distance", "municipality", "district"]),
        (_("For whom and what"), ["target_group", "category", "age", "language"]),
        (
            _("Cost and accessibility"),
            ["free", "companion_free", "drop_in", "equipment_to_borrow", "feature"],
        ),
    ]

    def groups(self) -> list[tuple[str, list[forms.BoundField], bool]]:
        """The filter groups for the page; a group starts open when it holds a value or error."""
        result = []
        for legend, names in self.GROUPS:
            if self.single_municipality:
                names = [name for name in names if name != "municipality"]
            if not cast(forms.ChoiceField, self.fields["district"]).choices:
                names = [name for name in names if name != "district"]
            fields = [self[name] for name in names]
            active = self.is_bound and any(
                self.data.get(name) or self.errors.get(name) for name in names
            )
            result.append((str(legend), fields, bool(active)))
        return result

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        for early, late in [("starts_after", "starts_before"), ("ends_after", "ends_before")]:
            if data.get(early) and data.get(late) and data[late] < data[early]:
                self.add_error(late, _("This time is earlier than the one before it."))
        self._clean_point(data)
        return data

    def full_clean(self) -> None:
        super().full_clean()
        # A hidden field's own error (a null byte in lat, say) would show nowhere on the page;
        # it is the position that could not be used, so say that at the top.
        if self.is_bound and any(name in self.errors for name in ("lat", "lon")):
            for name in ("lat", "lon"):
                self.errors.pop(name, None)
            self.add_error(None, POSITION_UNUSABLE)

    def _clean_point(self, data: dict[str, Any]) -> None:
        """The point distances are measured from: a typed ``near`` wins over coordinates
        (the "near me" button empties ``near``; a shared link may carry old coordinates).
        Coordinates come both or neither, in range. An unknown ``near`` and sorting by
        distance without any point are errors people can fix."""
        data["point"] = None
        data["near_label"] = ""
        lat, lon = (data.get("lat") or "").strip(), (data.get("lon") or "").strip()
        if data.get("near"):
            match = selectors.point_for_near(data["near"])
            if match is None:
                self.add_error(
                    "near",
                    _(
                        "We do not know a place called “%(near)s”. Write the name of a "
                        "meeting place, a street address or a district."
                    )
                    % {"near": data["near"]},
                )
                return
            data["point"], data["near_label"] = match.point, match.label
        elif lat or lon:
            point = _parse_point(lat, lon)
            if point is None:
                self.add_error(None, POSITION_UNUSABLE)
                return
            data["point"] = point
        if data.get("sort") == "distance" and data["point"] is None:
            self.add_error(
                "sort",
                _("To sort by distance, write a place in the near field or use your position."),
            )

    def criteria(self, *, today: date | None = None) -> selectors.FinderCriteria:
        """The search this valid form asks for, with the quick choices expanded."""
        data = self.cleaned_data
        today = today or clock.today()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        when = data.get("when")
        if when == "today":
            date_from = date_to = today
        elif when == "tomorrow":
            date_from = date_to = today + timedelta(days=1)
        elif when == "this_week":
            date_from, date_to = today, today + timedelta(days=7 - today.isoweekday())
        weekdays = tuple(data.get("weekday") or ())
        starts_after, starts_before = data.get("starts_after"), data.get("starts_before")
        if data.get("time_of_day") == "evening":
            starts_after = max(starts_after or EVENING_STARTS, EVENING_STARTS)
        elif data.get("time_of_day") == "daytime":
            before = time(15, 59)
            starts_before = min(starts_before or before, before)
        elif data.get("time_of_day") == "weekend":
            weekdays = tuple(d for d in weekdays if d in (6, 7)) or (6, 7)
        return selectors.FinderCriteria(
            text=data.get("q") or "",
            municipality=data.get("municipality") or "",
            districts=tuple(data.get("district") or ()),
            weekdays=weekdays,
            starts_after=starts_after,
            starts_before=starts_before,
            ends_after=data.get("ends_after"),
            ends_before=data.get("ends_before"),
            date_from=date_from,
            date_to=date_to,
            open_now=bool(data.get("open_now")),
            target_groups=tuple(data.get("target_group") or ()),
            categories=tuple(data.get("category") or ()),
            features=tuple(data.get("feature") or ()),
            languages=tuple(data.get("language") or ()),
            age=data.get("age"),
            free=bool(data.get("free")),
            companion_free=bool(data.get("companion_free")),
            drop_in=bool(data.get("drop_in")),
            equipment_to_borrow=bool(data.get("equipment_to_borrow")),
            sort=data.get("sort")
            or ("distance" if data.get("point") and not data.get("q") else "next"),
            point=data.get("point"),
            distance_km=data.get("distance") if data.get("point") else None,
        )

    def selected_filters(self, query: QueryDict) -> list[tuple[str, str]]:
        """Each chosen filter value as (label, query string without it), for "remove" links."""
        chosen: list[tuple[str, str]] = []
        if any(query.get(name) for name in ("near", "lat", "lon")):
            rest = query.copy()
            for name in (*POINT_PARAMETERS, "page"):
                rest.pop(name, None)
            if rest.get("sort") == "distance":
                rest.pop("sort")
            near = query.get("near")
            label = f"{self.fields['near'].label}: {near}" if near else str(_("Near your position"))
            if query.get("distance"):
                label += " " + str(_("(within %(km)s km)") % {"km": query.get("distance")})
            chosen.append((label, rest.urlencode()))
        for name in self.fields:
            if name in ("sort", *POINT_PARAMETERS):
                continue
            field = self.fields[name]
            for value in query.getlist(name):
                if not value:
                    continue
                rest = query.copy()
                rest.setlist(name, [v for v in query.getlist(name) if v != value])
                rest.pop("page", None)
                choices = dict(getattr(field, "choices", ()))
                shown = choices.get(value) or choices.get(_int_or(value)) or value
                if isinstance(field, forms.BooleanField):
                    label = str(field.label)
                else:
                    label = f"{field.label}: {shown}"
                chosen.append((label, rest.urlencode()))
        return chosen


def _parse_point(lat: str, lon: str) -> geo.Point | None:
    """A point from the ``lat``/``lon`` parameters, or None unless both are in range."""
    try:
        latitude, longitude = float(lat.replace(",", ".")), float(lon.replace(",", "."))
    except ValueError:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return geo.Point(latitude, longitude)


def _int_or(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def finder_query(query: QueryDict) -> QueryDict:
    """The finder's reading of a query string: empty list filters dropped (``?district=``
    means any district). The page, its feeds and its downloads all read a search through this,
    so the same address can never mean two searches."""
    kept = query.copy()
    for name, field in FinderForm.base_fields.items():
        if isinstance(field, forms.MultipleChoiceField) and name in kept:
            values = [value for value in kept.getlist(name) if value.strip()]
            if values:
                kept.setlist(name, values)
            else:
                del kept[name]
    return kept

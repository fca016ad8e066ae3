"""Forms of the provider (staff) pages: parsing and field validation only, no writes.

Kept apart from ``forms.py`` (the public finder). Errors are English msgids translated to
Swedish; the views turn service errors (``DirectoryError``, ``ValidationError``) into form
errors on the field they concern, so what was typed stays on the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sammanhang.directory.models import (
    AppliesTo,
    CompanionFree,
    District,
    FeatureValue,
    Frequency,
    Municipality,
    Place,
    Schedule,
    Taxonomy,
    Term,
    Weekday,
)
from sammanhang.directory.schedules import DAY_CODES

TIME_FORMATS = ["%H:%M", "%H.%M", "%H"]
DAY_CODE_OF = {number: code for code, number in ((c, n + 1) for c, n in DAY_CODES.items())}
WEEKDAY_OF_CODE = {code: number for number, code in DAY_CODE_OF.items()}
FEATURE_PREFIX = "feature_"


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _time_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=TIME_FORMATS,
        widget=TimeInput(),
        error_messages={
            "required": _("Enter a time, for example 17:30."),
            "invalid": _("Enter a time as hours and minutes, for example 17:30."),
        },
        **kwargs,
    )


def _date_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        error_messages={
            "required": _("Enter a date."),
            "invalid": _("Enter a date as year-month-day, for example 2026-03-29."),
        },
        **kwargs,
    )


def _add_feature_fields(form: forms.Form, applies_to: str, initial: dict[str, str]) -> None:
    """One yes/no/unknown question per accessibility feature that applies here."""
    terms = Term.objects.filter(
        taxonomy=Taxonomy.ACCESSIBILITY, applies_to__in=[applies_to, AppliesTo.BOTH]
    ).order_by("position", "code")
    for term in terms:
        form.fields[f"{FEATURE_PREFIX}{term.code}"] = forms.ChoiceField(
            label=term.name,
            choices=FeatureValue.choices,
            initial=initial.get(term.code, FeatureValue.UNKNOWN),
            widget=forms.RadioSelect,
            # An unanswered question means "unknown", never an error.
            required=False,
        )


def feature_answers(cleaned_data: dict[str, Any]) -> dict[str, str]:
    """The accessibility answers of a cleaned form; "unknown" is left out (it is the default)."""
    return {
        name.removeprefix(FEATURE_PREFIX): value
        for name, value in cleaned_data.items()
        if name.startswith(FEATURE_PREFIX) and value and value != FeatureValue.UNKNOWN
    }


class GroupedCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes in groups, each group its own fieldset with a legend, so a screen reader
    says "Vintersport" before "Skridskor" (Django's default groups under a bare label)."""

    template_name = "directory/widgets/grouped_checkboxes.html"


def equipment_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The equipment taxonomy as checkbox groups: each top-level category with its kinds,
    or, for a category without kinds (helmets), the category itself."""
    terms = list(Term.objects.filter(taxonomy=Taxonomy.EQUIPMENT).order_by("position", "code"))
    children: dict[int, list[Term]] = {}
    for term in terms:
        if term.parent_id is not None:
            children.setdefault(term.parent_id, []).append(term)
    return [
        (term.name, [(kind.code, kind.name) for kind in children.get(term.pk, [term])])
        for term in terms
        if term.parent_id is None
    ]


class ActivityForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Enter the activity's title.")},
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences shown in the search results."),
        error_messages={"required": _("Enter a short summary.")},
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    easy_read = forms.CharField(
        label=_("Easy-read summary (lättläst)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Short sentences and everyday words. Shown when a reader asks for easy-read."),
    )
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    summary_en = forms.CharField(
        label=_("Summary in English"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories"), required=False, widget=forms.CheckboxSelectMultiple
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"), required=False, widget=forms.CheckboxSelectMultiple
    )
    equipment = forms.MultipleChoiceField(
        label=_("Equipment needed"),
        required=False,
        widget=GroupedCheckboxSelectMultiple,
        help_text=_(
            "What a participant needs to bring. The activity's page then shows where it can "
            "be borrowed free of charge at a Fritidsbank, and the finder's filter "
            "“Equipment to borrow” finds it."
        ),
    )
    age_min = forms.IntegerField(
        label=_("Minimum age"),
        required=False,
        min_value=0,
        max_value=120,
        error_messages={"invalid": _("Enter the age as a whole number.")},
    )
    age_max = forms.IntegerField(
        label=_("Maximum age"),
        required=False,
        min_value=0,
        max_value=120,
        error_messages={"invalid": _("Enter the age as a whole number.")},
    )
    languages = forms.CharField(
        label=_("Languages spoken"),
        max_length=100,
        required=False,
        help_text=_("Two-letter codes separated by commas, for example: sv, ar, en."),
    )
    is_free = forms.BooleanField(label=_("Free"), required=False)
    price = forms.CharField(
        label=_("Price"),
        max_length=200,
        required=False,
        help_text=_("Required when the activity is not free, for example: 20 kr per time."),
    )
    companion_free = forms.ChoiceField(
        label=_("Companion goes free"),
        choices=CompanionFree.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer whether a companion goes free.")},
    )
    companion_terms = forms.CharField(
        label=_("Terms for companions"), max_length=300, required=False
    )
    drop_in = forms.BooleanField(label=_("Drop-in, no sign-up needed"), required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=1,
        help_text=_("How many can take part at most."),
        error_messages={"invalid": _("Enter the capacity as a whole number.")},
    )
    contact_role = forms.CharField(
        label=_("Contact (role)"),
        max_length=200,
        required=False,
        help_text=_("A role such as “Activity leader”, never a private person's name."),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        required=False,
        error_messages={"invalid": _("Enter an e-mail address such as info@example.se.")},
    )
    contact_phone = forms.CharField(label=_("Contact telephone"), max_length=40, required=False)
    places = forms.ModelMultipleChoiceField(
        label=_("Places"),
        queryset=Place.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your organisation's places and the places already chosen."),
    )
    other_places = forms.CharField(
        label=_("Place of another organisation"),
        max_length=300,
        required=False,
        help_text=_(
            "The place's address name as in its public web address (…/platser/name/); "
            "separate several with commas."
        ),
    )
    online = forms.BooleanField(label=_("Online"), required=False)

    def __init__(
        self, *args: Any, place_choices: QuerySet[Place], features: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [  # type: ignore[attr-defined]
            (t.code, t.name) for t in Term.objects.filter(taxonomy=Taxonomy.CATEGORY)
        ]
        self.fields["target_groups"].choices = [  # type: ignore[attr-defined]
            (t.code, t.name) for t in Term.objects.filter(taxonomy=Taxonomy.TARGET_GROUP)
        ]
        self.fields["equipment"].choices = equipment_choices()  # type: ignore[attr-defined]
        self.fields["places"].queryset = place_choices  # type: ignore[attr-defined]
        _add_feature_fields(self, AppliesTo.ACTIVITY, features)

    def clean_languages(self) -> list[str]:
        codes = [c.strip().lower() for c in self.cleaned_data["languages"].split(",")]
        codes = [c for c in codes if c]
        for code in codes:
            if len(code) != 2 or not code.isalpha() or not code.isascii():
                raise ValidationError(
                    _("%(code)s is not a two-letter language code (ISO 639-1)."),
                    params={"code": code},
                    code="language",
                )
        return codes

    def clean_other_places(self) -> list[Place]:
        slugs = [s.strip().strip("/") for s in self.cleaned_data["other_places"].split(",")]
        slugs = [s.rsplit("/", 1)[-1] for s in slugs if s]
        found = {p.slug: p for p in Place.objects.filter(slug__in=slugs)}
        for slug in slugs:
            if slug not in found:
                raise ValidationError(
                    _("There is no place with the address name %(slug)s."),
                    params={"slug": slug},
                    code="unknown_place",
                )
        return [found[s] for s in slugs]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not data.get("is_free")
            and not (data.get("price") or "").strip()
            and "price" not in self.errors
        ):
            self.add_error("price", _("Enter the price, or tick free of charge."))
        age_min, age_max = data.get("age_min"), data.get("age_max")
        if age_min is not None and age_max is not None and age_max < age_min:
            self.add_error("age_max", _("The maximum age must not be below the minimum age."))
        return data

    def all_places(self) -> list[Place]:
        chosen = list(self.cleaned_data.get("places") or [])
        for place in self.cleaned_data.get("other_places") or []:
            if place not in chosen:
                chosen.append(place)
        return chosen

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "places": self.all_places(),
            "categories": data["categories"],
            "target_groups": data["target_groups"],
            "equipment": data["equipment"],
            "languages": data["languages"],
            "features": feature_answers(data),
            **{
                name: data[name]
                for name in (
                    "title_en",
                    "summary_en",
                    "description",
                    "easy_read",
                    "online",
                    "age_min",
                    "age_max",
                    "is_free",
                    "companion_free",
                    "companion_terms",
                    "drop_in",
                    "capacity",
                    "contact_role",
                    "contact_email",
                    "contact_phone",
                )
            },
            "price": "" if data["is_free"] else data["price"],
        }


NTH_CHOICES = [
    ("1", _("First")),
    ("2", _("Second")),
    ("3", _("Third")),
    ("4", _("Fourth")),
    ("-1", _("Last")),
]


class ScheduleForm(forms.Form):
    freq = forms.ChoiceField(
        label=_("How often"),
        choices=[
            (Frequency.WEEKLY, _("Every week or every few weeks")),
            (Frequency.MONTHLY, _("Once a month on a weekday, such as the first Saturday")),
            (Frequency.ONCE, _("A single date")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often the activity takes place.")},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays (weekly)"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interval = forms.IntegerField(
        label=_("Every how many weeks or months"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=_("1 for every week (or month), 2 for every other, and so on."),
        error_messages={"required": _("Enter a number from 1 to 12.")},
    )
    nth = forms.ChoiceField(
        label=_("Which one in the month (monthly)"), choices=NTH_CHOICES, required=False
    )
    month_weekday = forms.TypedChoiceField(
        label=_("Weekday (monthly)"),
        choices=[("", "—"), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    opens_at = _time_field(_("Starts at"))
    closes_at = _time_field(_("Ends at"))
    valid_from = _date_field(
        _("First date"),
        help_text=_("The date of a single occasion, or the date the schedule starts."),
    )
    valid_to = _date_field(
        _("Last date"), required=False, help_text=_("Leave empty if it goes on until changed.")
    )
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("No place (online or outreach)"),
    )

    def __init__(self, *args: Any, places: Iterable[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(  # type: ignore[attr-defined]
            pk__in=[p.pk for p in places]
        )

    @staticmethod
    def initial_for(schedule: Schedule) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "freq": schedule.freq,
            "interval": schedule.interval,
            "opens_at": schedule.opens_at,
            "closes_at": schedule.closes_at,
            "valid_from": schedule.valid_from,
            "valid_to": schedule.valid_to,
            "place": schedule.place_id,
        }
        parts = [p for p in schedule.byday.split(",") if p]
        if schedule.freq == Frequency.WEEKLY:
            initial["weekdays"] = [WEEKDAY_OF_CODE[p] for p in parts if p in WEEKDAY_OF_CODE]
        elif schedule.freq == Frequency.MONTHLY and parts:
            initial["nth"], initial["month_weekday"] = parts[0][:-2], WEEKDAY_OF_CODE[parts[0][-2:]]
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        freq = data.get("freq")
        byday = ""
        if freq == Frequency.WEEKLY:
            if not data.get("weekdays"):
                self.add_error("weekdays", _("Choose at least one weekday."))
            byday = ",".join(DAY_CODE_OF[d] for d in sorted(data.get("weekdays") or []))
        elif freq == Frequency.MONTHLY:
            if not data.get("nth"):
                self.add_error("nth", _("Choose which one in the month, such as the first."))
            if not data.get("month_weekday"):
                self.add_error("month_weekday", _("Choose the weekday."))
            if data.get("nth") and data.get("month_weekday"):
                byday = f"{data['nth']}{DAY_CODE_OF[data['month_weekday']]}"
        opens_at: time | None = data.get("opens_at")
        closes_at: time | None = data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The end time must be after the start time."))
        valid_from, valid_to = data.get("valid_from"), data.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            self.add_error("valid_to", _("The last date must not be before the first date."))
        data["byday"] = byday
        return data

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        once = data["freq"] == Frequency.ONCE
        return {
            "freq": data["freq"],
            "byday": data["byday"],
            "interval": 1 if once else data["interval"],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "valid_from": data["valid_from"],
            "valid_to": None if once else data["valid_to"],
            "place_id": data["place"].pk if data["place"] else None,
        }


class OccurrenceCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_(
            "Shown to the public next to the cancelled date, for example: The leader is ill."
        ),
        error_messages={
            "required": _("Say why it is cancelled; the reason is shown to the public.")
        },
    )


class ExtraDateForm(forms.Form):
    date = _date_field(_("Date"))
    opens_at = _time_field(_("Starts at"), required=False, help_text=_("Empty: the usual time."))
    closes_at = _time_field(_("Ends at"), required=False, help_text=_("Empty: the usual time."))
    reason = forms.CharField(
        label=_("Note shown to the public"),
        max_length=200,
        required=False,
        help_text=_("For example: Extra time during the autumn holiday."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if (opens_at is None) != (closes_at is None) and not self.errors:
            self.add_error("closes_at", _("Give both a start and an end time, or neither."))
        elif opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The end time must be after the start time."))
        return data


class PlaceForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, error_messages={"required": _("Enter the place's name.")}
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        empty_label=None,
        error_messages={"required": _("Choose the municipality.")},
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.select_related("municipality"),
        required=False,
        empty_label=_("No district"),
    )
    street_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Decimal degrees, for example 56.0465."),
        error_messages={"invalid": _("Enter the latitude as a decimal number, e.g. 56.0465.")},
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("Decimal degrees, for example 12.6945."),
        error_messages={"invalid": _("Enter the longitude as a decimal number, e.g. 12.6945.")},
    )
    how_to_get_there = forms.CharField(
        label=_("How to get there"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bus stops, entrance, steps or lifts."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, features: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].label_from_instance = (  # type: ignore[attr-defined]
            lambda d: f"{d.name} ({d.municipality.name})"
        )
        _add_feature_fields(self, AppliesTo.PLACE, features)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        district, municipality = data.get("district"), data.get("municipality")
        if district and municipality and district.municipality_id != municipality.pk:
            self.add_error(
                "district",
                _("%(district)s is not a district of %(municipality)s.")
                % {"district": district.name, "municipality": municipality.name},
            )
        return data

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data[name] for name in self.fields if not name.startswith(FEATURE_PREFIX)}
        values["features"] = feature_answers(data)
        return values


class OpeningHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=Weekday.choices,
        coerce=int,
        error_messages={"required": _("Choose the weekday.")},
    )
    opens_at = _time_field(_("Opens at"))
    closes_at = _time_field(_("Closes at"))
    valid_from = _date_field(_("Valid from"), required=False, help_text=_("Empty: always."))
    valid_to = _date_field(_("Valid to"), required=False, help_text=_("Empty: until changed."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        valid_from, valid_to = data.get("valid_from"), data.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            self.add_error("valid_to", _("The end of the period must not be before its start."))
        return data


class ClosureForm(forms.Form):
    date = _date_field(_("Closed on"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Shown to the public, for example: Christmas Eve."),
        error_messages={
            "required": _("Say why the place is closed; the reason is shown to the public.")
        },
    )


class PhotoForm(forms.Form):
    image = forms.ImageField(
        label=_("Picture"),
        help_text=_("JPEG, PNG or WebP. Location data and other metadata are removed."),
        error_messages={
            "required": _("Choose a picture to upload."),
            "invalid_image": _(
                "The file is not a picture we can use. Upload a JPEG, PNG or WebP file."
            ),
        },
    )
    alt_text = forms.CharField(
        label=_("Text alternative"),
        max_length=250,
        help_text=_("Describe what the picture shows, for people who cannot see it."),
        error_messages={
            "required": _("Describe what the picture shows, for people who cannot see it.")
        },
    )


class LogoForm(forms.Form):
    logo = forms.ImageField(
        label=_("Logo"),
        help_text=_("JPEG, PNG or WebP, shown beside the organisation's name."),
        error_messages={
            "required": _("Choose a logo to upload."),
            "invalid_image": _(
                "The file is not a picture we can use. Upload a JPEG, PNG or WebP file."
            ),
        },
    )


class ActivityListFilterForm(forms.Form):
    stale = forms.BooleanField(label=_("Only activities not updated in six months"), required=False)

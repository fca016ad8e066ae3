"""Forms of the lending desk: parsing only, no writes.

Labels are big and plain because desk staff are often in work training; the services'
refusals (``LendingError``) are put on the form by the views, so what was typed stays.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sammanhang.directory.models import Place, Term
from sammanhang.lending.models import ArticleStatus, ArticleType, Condition
from sammanhang.lending.services import BANK_SETTING_BOUNDS
from sammanhang.lending.stats import Grouping

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class BorrowerFindForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=40,
        help_text=_("For example 070-123 45 67."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "tel", "autofocus": True}
        ),
        error_messages={"required": _("Enter the borrower's mobile number.")},
    )
    name = forms.CharField(
        label=_("Name (only for a new borrower)"),
        max_length=200,
        required=False,
        help_text=_("Leave empty when the borrower has been here before."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CheckOutForm(forms.Form):
    code = forms.CharField(
        label=_("Scan or type the article code"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
        error_messages={"required": _("Scan the article's label or type its ID number.")},
    )

    def __init__(self, *args: object, over_limit: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Only a borrower at the bank's item limit is asked for a reason.
        if over_limit:
            self.fields["override_reason"] = forms.CharField(
                label=_("Reason to lend more than the limit (only if staff agree)"),
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )


class ReturnScanForm(forms.Form):
    code = forms.CharField(
        label=_("Scan or type the article code"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
        error_messages={"required": _("Scan the article's label or type its ID number.")},
    )


class ReturnForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=60)
    condition = forms.ChoiceField(
        label=_("What condition is the article in?"),
        choices=Condition.choices,
        initial=Condition.GOOD,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the article's condition.")},
    )
    to_repair = forms.BooleanField(
        label=_("Needs repair before it is lent again"),
        required=False,
    )


class _TypeAndSizeForm(forms.Form):
    """An article type and a size: what a donation registers and a reservation waits for.

    ``types`` limits the choice (a reservation: the types the bank has); by default every type.
    """

    type = forms.ModelChoiceField(
        label=_("Article type"),
        queryset=ArticleType.objects.none(),
        empty_label=_("Choose a type"),
        error_messages={"required": _("Choose the article type.")},
    )
    size = forms.CharField(
        label=_("Size (if it has one)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(
        self, *args: object, types: QuerySet[ArticleType] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if types is None:
            types = ArticleType.objects.select_related("category").order_by("name")
        self.fields["type"].queryset = types  # type: ignore[attr-defined]


class DonationForm(_TypeAndSizeForm):
    """A donation: many articles of one type, size and condition, one code per line."""

    condition = forms.ChoiceField(
        label=_("Condition"),
        choices=Condition.choices,
        initial=Condition.GOOD,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the article's condition.")},
    )
    donor = forms.CharField(
        label=_("Donor (only if they want to be named)"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for an anonymous gift."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    codes = forms.CharField(
        label=_("Scan or type the ID numbers, one per line"),
        help_text=_("A barcode scanner starts a new line after each code by itself."),
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Scan or type at least one ID number.")},
    )

    def clean_codes(self) -> str:
        codes: str = self.cleaned_data["codes"]
        # The database holds 60 characters; a longer line is two scans run together.
        too_long = [line.strip() for line in codes.splitlines() if len(line.strip()) > 60]
        if too_long:
            raise forms.ValidationError(
                _("An ID number has at most 60 characters. Check this line: %(code)s"),
                params={"code": too_long[0]},
            )
        return codes

    def code_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["codes"].splitlines() if line.strip()]


class ArticleTypeForm(forms.ModelForm):
    """Parsing only: ``services.article_type_create`` writes and refuses a name used twice."""

    class Meta:
        model = ArticleType
        fields = ["name", "category", "needs_guardian_consent", "check_out_prompt"]
        labels = {
            "name": _("Name of the type"),
            "category": _("Category"),
            "needs_guardian_consent": _(
                "Safety gear: a borrower under 18 needs a guardian's consent"
            ),
            "check_out_prompt": _("Reminder shown at check-out (optional)"),
        }
        error_messages = {
            "name": {"required": _("Give the type a name, for example Hockey skates.")},
            "category": {"required": _("Choose the category.")},
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        category = self.fields["category"]
        category.queryset = Term.objects.filter(  # type: ignore[attr-defined]
            taxonomy="sammanhang-utrustning"
        ).order_by("name_sv")
        category.empty_label = _("Choose a category")  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        # The service says in plain words that the name is taken; see article_type_create.
        return None


class ArticleFilterForm(forms.Form):
    """The article list's filters, a GET form: every field may be empty."""

    q = forms.CharField(label=_("ID number"), max_length=60, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *ArticleStatus.choices], required=False
    )
    type = forms.ModelChoiceField(
        label=_("Article type"),
        queryset=ArticleType.objects.order_by("name"),
        empty_label=_("All"),
        required=False,
    )


class InventoryFilterForm(forms.Form):
    """The public inventory's filters, a GET form: the categories are those the bank has."""

    category = forms.ChoiceField(label=_("Category"), required=False)
    available = forms.BooleanField(label=_("Only available now"), required=False)

    def __init__(self, *args: object, categories: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].choices = [("", _("All categories")), *categories]  # type: ignore[attr-defined]
        self.fields["category"].error_messages["invalid_choice"] = _(
            "The bank has nothing in that category. Choose another one."
        )


# The statuses staff may choose on an article's page (see services.article_status_set).
MANUAL_STATUS_CHOICES = [
    (ArticleStatus.AVAILABLE, _("Available (for example repaired or found)")),
    (ArticleStatus.IN_REPAIR, _("In repair")),
    (ArticleStatus.RETIRED, _("Retired (scrapped)")),
    (ArticleStatus.MISSING, _("Missing")),
]


class ArticleStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=MANUAL_STATUS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the new status.")},
    )


class ArticlePhotoForm(forms.Form):
    """A photo of the article, taken at the desk; on a phone the camera opens directly."""

    image = forms.ImageField(
        label=_("Photo"),
        help_text=_(
            "Photograph the article only, never people. JPEG, PNG or WebP, at most 10 MB. "
            "Location data and other metadata are removed."
        ),
        # ``capture`` opens the back camera on a phone; a computer shows the file chooser.
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
        error_messages={
            "required": _("Choose a photo to upload."),
            "invalid_image": _(
                "The file is not a picture we can use. Upload a JPEG, PNG or WebP file."
            ),
        },
    )
    alt_text = forms.CharField(
        label=_("Describe the picture"),
        max_length=250,
        help_text=_("For example: Blue hockey skates, size 38, with blade guards."),
        error_messages={
            "required": _("Describe what the picture shows, for people who cannot see it.")
        },
    )


class HoldForm(_TypeAndSizeForm):
    """Reserve an article type in a size for the borrower at the desk."""


class ReserveForm(HoldForm):
    """A reservation from home: the type and size, then only a name and a mobile number."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name.")},
    )
    mobile = forms.CharField(
        label=_("Your mobile number"),
        max_length=40,
        help_text=_("We send a code to this number to check that it is yours."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": _("Enter your mobile number.")},
    )


class ReserveCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code in the text message"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": _("Enter the code from the text message.")},
    )


class ReceiptEmailForm(forms.Form):
    """Where to email the receipt: used once to send and never stored."""

    email = forms.EmailField(
        label=_("Email address (not saved)"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Enter the email address to send the receipt to."),
            "invalid": _("Enter an email address like name@example.se."),
        },
    )


class StatsPeriodForm(forms.Form):
    """The statistics' period and grouping, a GET form; empty means the last 30 days.

    ``chosen()`` gives the dates and the grouping once the form is valid. A custom period
    needs both dates, in order, at most ``MAX_DAYS`` long; per day at most ``MAX_DAYS_BY_DAY``
    days (a longer period per day would draw hundreds of bars). An empty grouping is chosen
    from the length: per day up to a month, per week up to half a year, else per month.
    """

    MAX_DAYS = 366 * 10
    MAX_DAYS_BY_DAY = 92
    LAST_30 = "30"
    THIS_YEAR = "year"
    CUSTOM = "custom"

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (LAST_30, _("The last 30 days")),
            (THIS_YEAR, _("This year")),
            (CUSTOM, _("From and to these dates")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a period.")},
    )
    start = forms.DateField(
        label=_("From date"),
        required=False,
        help_text=_("For example 2026-01-31."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Write the date as year-month-day, for example 2026-01-31.")},
    )
    end = forms.DateField(
        label=_("To date"),
        required=False,
        help_text=_("For example 2026-12-31."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Write the date as year-month-day, for example 2026-12-31.")},
    )
    grouping = forms.ChoiceField(
        label=_("Show per"),
        choices=[
            ("", _("Chosen from the period")),
            ("day", _("Day")),
            ("week", _("Week")),
            ("month", _("Month")),
        ],
        required=False,
    )

    def __init__(self, *args: object, today: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.today = today

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        choice = data.get("period") or self.LAST_30
        start, end = data.get("start"), data.get("end")
        if choice == self.LAST_30:
            start, end = self.today - timedelta(days=29), self.today
        elif choice == self.THIS_YEAR:
            start, end = self.today.replace(month=1, day=1), self.today
        else:
            if start is None and "start" not in self.errors:
                self.add_error("start", _("Enter the first day of the period."))
            if end is None and "end" not in self.errors:
                self.add_error("end", _("Enter the last day of the period."))
            if not isinstance(start, date) or not isinstance(end, date):
                return data
            if end < start:
                self.add_error("end", _("The last day must be on or after the first day."))
                return data
            if (end - start).days + 1 > self.MAX_DAYS:
                self.add_error("start", _("Choose a period of at most ten years."))
                return data
        if not isinstance(start, date) or not isinstance(end, date):
            return data
        days = (end - start).days + 1
        grouping = data.get("grouping") or (
            "day" if days <= 31 else "week" if days <= 183 else "month"
        )
        if grouping == "day" and days > self.MAX_DAYS_BY_DAY:
            self.add_error(
                "grouping",
                _("Per day works for at most %(days)d days. Choose week or month.")
                % {"days": self.MAX_DAYS_BY_DAY},
            )
        data.update(period=choice, period_start=start, period_end=end, grouping=grouping)
        return data

    def chosen(self) -> tuple[date, date, Grouping]:
        """The valid form's first day, last day and grouping."""
        data = self.cleaned_data
        return data["period_start"], data["period_end"], data["grouping"]


class SortedOutForm(forms.Form):
    """How many donated things were turned away today (a negative number takes back a slip)."""

    items = forms.IntegerField(
        label=_("Number of things sorted out"),
        help_text=_(
            "Broken, incomplete or unsafe things from donations that you did not register. "
            "Write a minus sign to take back a number typed too high, for example -2."
        ),
        min_value=-500,
        max_value=500,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": _("Write how many things were sorted out."),
            "invalid": _("Write a whole number, for example 3."),
            "min_value": _("Write a number from 1 to 500."),
            "max_value": _("Write a number from 1 to 500."),
        },
    )

    def clean_items(self) -> int:
        items: int = self.cleaned_data["items"]
        if items == 0:
            raise forms.ValidationError(_("Write a number from 1 to 500."))
        return items


class _PlaceChoiceField(forms.ModelChoiceField):
    """A place, saying when it has no opening hours yet (they set the due dates)."""

    def label_from_instance(self, obj: Place) -> str:
        label = obj.name
        if obj.street_address:
            label = f"{label}, {obj.street_address}"
        if getattr(obj, "has_opening_hours", True) is False:
            label = gettext("%(place)s (no opening hours yet)") % {"place": label}
        return label


def _number(label: StrOrPromise, name: str) -> forms.IntegerField:
    low, high = BANK_SETTING_BOUNDS[name]
    return forms.IntegerField(
        label=label,
        widget=forms.NumberInput(attrs={"min": low, "max": high}),
        error_messages={
            "required": _("Fill in a number."),
            "invalid": _("Write a whole number, for example 14."),
        },
    )


class BankSettingsForm(forms.Form):
    """The bank's place and settings, to start a bank and to change it. Parsing only: the
    bounds and the place are checked by ``services.bank_create``/``bank_settings_update``."""

    place = _PlaceChoiceField(
        label=_("Place"),
        queryset=Place.objects.none(),
        empty_label=_("Choose a place"),
        error_messages={
            "required": _("Choose the place where the bank lends."),
            "invalid_choice": _("Choose one of the organisation's own places."),
        },
    )
    loan_days = _number(_("Loan time in days"), "loan_days")
    max_items = _number(_("Most items per borrower"), "max_items")
    reminder_days = _number(_("Reminder, days before the due date"), "reminder_days")
    overdue_repeat_days = _number(
        _("Days between reminders about a late loan"), "overdue_repeat_days"
    )
    overdue_reminders_max = _number(_("Most reminders about a late loan"), "overdue_reminders_max")
    borrower_retention_months = _number(
        _("Months to keep a borrower after the last return"), "borrower_retention_months"
    )
    donation_info = forms.CharField(
        label=_("How to donate"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: object, places: QuerySet[Place], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["place"].queryset = places  # type: ignore[attr-defined]
        # Help texts say in plain words what each setting does and its bounds; made here so
        # the bounds come from the service that enforces them.
        helps = {
            "place": gettext(
                "Where the bank lends. The place's opening hours set the due dates (a loan is "
                "due on the first open day at or after the loan time) and are shown on the "
                "bank's public page, with its address. Opening hours are set under Places."
            ),
            "loan_days": gettext(
                "How long a loan lasts. Fritidsbanken lends for 14 days. From %(low)s to "
                "%(high)s days."
            ),
            "max_items": gettext(
                "How many things one borrower may have at home at once. Staff may lend more "
                "by giving a reason. From %(low)s to %(high)s."
            ),
            "reminder_days": gettext(
                "A text message reminds the borrower this many days before the due date; 0 "
                "means on the due date. From %(low)s to %(high)s, and fewer than the loan time."
            ),
            "overdue_repeat_days": gettext(
                "When a loan is late, a new reminder is sent this many days after the last "
                "one. From %(low)s to %(high)s."
            ),
            "overdue_reminders_max": gettext(
                "After this many reminders about a late loan, no more are sent; 0 means none. "
                "From %(low)s to %(high)s."
            ),
            "borrower_retention_months": gettext(
                "Name and mobile number are deleted this many months after the last return. "
                "The loan statistics stay, without them. From %(low)s to %(high)s months."
            ),
            "donation_info": gettext(
                "Shown on the bank's public page under How to donate: what the bank takes and "
                "how to hand it in. Leave empty for a general text."
            ),
        }
        for name, text in helps.items():
            low, high = BANK_SETTING_BOUNDS.get(name, (0, 0))
            self.fields[name].help_text = text % {"low": low, "high": high}


class BranchForm(forms.Form):
    """A branch's name and optional place; ``services.branch_add``/``branch_update`` check."""

    name = forms.CharField(
        label=_("Name of the branch"),
        max_length=200,
        error_messages={"required": _("Give the branch a name.")},
    )
    place = _PlaceChoiceField(
        label=_("Place"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("No place of its own"),
        error_messages={"invalid_choice": _("Choose one of the organisation's own places.")},
    )

    def __init__(self, *args: object, places: QuerySet[Place], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["place"].queryset = places  # type: ignore[attr-defined]

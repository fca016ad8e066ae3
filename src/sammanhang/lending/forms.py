"""Forms of the lending desk: parsing only, no writes.

Labels are big and plain because desk staff are often in work training; the services'
refusals (``LendingError``) are put on the form by the views, so what was typed stays.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sammanhang.lending.models import Condition


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

"""Parsing API query strings. The activity filters are the HTML finder's own ``FinderForm``;
this module adds what only the API has (pages, language, the place and organisation lists)
and turns any invalid input into one ``ApiInputError`` with messages per parameter."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from sammanhang.accounts.models import OrganisationKind
from sammanhang.directory import selectors as directory_selectors
from sammanhang.directory.forms import FinderForm
from sammanhang.directory.models import Municipality, Taxonomy

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
TRUE_WORDS = {"true", "on", "1", "yes"}
FALSE_WORDS = {"false", "off", "0", "no", ""}
LANGUAGES = ("sv", "en")


class ApiInputError(Exception):
    """Bad query parameters; ``errors`` maps each parameter to its messages (already text)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


INVALID_CHOICE = _("%(value)s is not one of the choices for this filter.")


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    per_page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PER_PAGE)
    lang = forms.ChoiceField(required=False, choices=[(code, code) for code in LANGUAGES])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["lang"]).error_messages["invalid_choice"] = (
            INVALID_CHOICE
        )


class PlaceFilterForm(forms.Form):
    district = forms.MultipleChoiceField(required=False)
    municipality = forms.MultipleChoiceField(required=False)
    feature = forms.MultipleChoiceField(required=False)
    q = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = {
            "district": sorted(directory_selectors.districts_for_finder()),
            "municipality": [(m.slug, m.name) for m in Municipality.objects.order_by("name")],
            "feature": [
                (t.code, t.name)
                for t in directory_selectors.terms_for_finder(
                    Taxonomy.ACCESSIBILITY, applies_to=("place", "both")
                )
            ],
        }
        for name, options in choices.items():
            field = cast(forms.MultipleChoiceField, self.fields[name])
            field.choices = options
            field.error_messages["invalid_choice"] = INVALID_CHOICE


class OrganisationFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(required=False, choices=OrganisationKind.choices)
    q = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["invalid_choice"] = INVALID_CHOICE


# A "+" in a query string is a space once decoded, so an offset sent without %2B arrives as
# "…T08:00:00 01:00"; read it as the "+" the client meant rather than refuse it.
_DECODED_PLUS = re.compile(r"^(\S+T[\d:.]+) (\d\d(:?\d\d)?)$")


class ModifiedAfterField(forms.DateTimeField):
    """An ISO 8601 date and time; without an offset it is Swedish local time."""

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, str):
            value = _DECODED_PLUS.sub(r"\1+\2", value.strip())
        return super().to_python(value)


class SyncForm(forms.Form):
    """What only the API's lists take: the incremental-sync parameter (see docs/open-data.md)."""

    modified_after = ModifiedAfterField(
        required=False,
        label=_(
            "Only records changed at or after this time (ISO 8601, such as "
            "2026-12-01T08:00:00+01:00); for keeping a copy up to date"
        ),
        error_messages={
            # The HSDS API's message for its modified_after: one parameter, one message.
            "invalid": _("Enter a date and time such as 2026-12-01T08:00:00+01:00.")
        },
    )


class ActivityListForm(FinderForm, SyncForm):
    """The finder's filters and ``modified_after``, which replaces them.

    The finder only lists activities with sessions in its window; a copy kept up to date
    needs every published activity, so a sync asks for changes and nothing else.
    """

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("modified_after") is not None:
            for name in FinderForm.base_fields:
                if self.data.get(name, "") != "":
                    self.add_error(name, _("This filter cannot be combined with modified_after."))
        return data


class PlaceListForm(PlaceFilterForm, SyncForm):
    pass


class OrganisationListForm(OrganisationFilterForm, SyncForm):
    pass


class DeletionListForm(SyncForm):
    pass


def _with_api_booleans(form_class: type[forms.Form], query: QueryDict) -> QueryDict:
    """The query with yes/no parameters spelt the way the HTML form sends them.

    A checkbox sends ``on`` or nothing; an API client sends ``true`` or ``false``. Django would
    read any other text, even ``0``, as yes, so other words are refused instead.
    """
    data = query.copy()
    errors: dict[str, list[str]] = {}
    for name, field in form_class.base_fields.items():
        if not isinstance(field, forms.BooleanField) or name not in data:
            continue
        word = data.get(name, "").strip().lower()
        if word in TRUE_WORDS:
            data[name] = "on"
        elif word in FALSE_WORDS:
            del data[name]
        else:
            errors[name] = [str(_("Enter true or false."))]
    if errors:
        raise ApiInputError(errors)
    return data


def parse(
    query: QueryDict, form_class: type[forms.Form], *, paginated: bool = True
) -> tuple[forms.Form, dict[str, Any]]:
    """The valid bound filter form and the page parameters, or ``ApiInputError``.

    Unknown parameters are refused so a misspelt filter does not silently return everything.
    """
    known = set(form_class.base_fields) | set(PageForm.base_fields)
    errors: dict[str, list[str]] = {
        name: [str(_("Unknown parameter."))] for name in query if name not in known
    }
    page_form = PageForm(query)
    if not page_form.is_valid():
        errors.update({name: [str(m) for m in msgs] for name, msgs in page_form.errors.items()})
    try:
        data = _with_api_booleans(form_class, query)
    except ApiInputError as error:
        errors.update(error.errors)
        data = query
    form = form_class(data)
    if not form.is_valid():
        for name, messages in form.errors.items():
            errors.setdefault(name, []).extend(str(m) for m in messages)
    if errors:
        raise ApiInputError(errors)
    page = page_form.cleaned_data
    return form, {
        "page": page.get("page") or 1,
        "per_page": page.get("per_page") or DEFAULT_PER_PAGE,
    }


def parse_finder(query: QueryDict) -> tuple[ActivityListForm, dict[str, Any]]:
    form, paging = parse(query, ActivityListForm)
    return cast(ActivityListForm, form), paging

"""The finder's form renders with the fast widgets exactly as with Django's own."""

from __future__ import annotations

import copy

import pytest
from django.forms import BoundField
from django.forms import widgets as django_widgets

from sammanhang.core import widgets as fast
from sammanhang.directory.forms import FinderForm


@pytest.mark.parametrize(
    "data",
    [
        {"when": "today", "sort": "name", "distance": "5", "weekday": ["2", "6"]},
        # Typed values shown back, errors beside them, checkboxes ticked.
        {"q": 'fika <b>"', "age": "tio", "starts_after": "25:99", "free": "on", "lat": "56"},
        {"date_from": "2026-12-01", "starts_before": "18:00", "drop_in": "on", "open_now": "on"},
    ],
)
def test_the_finder_form_renders_the_same_with_djangos_widgets(db, data):
    form = FinderForm(data)
    form.is_valid()
    for name, field in form.fields.items():
        widget = field.widget
        assert type(widget).__module__ in (fast.__name__, FinderForm.__module__), name
        # Rendered, not kept (core.forms.KeptMarkupBoundField keeps markup per value).
        mine = BoundField.as_field_group(form[name])
        # The same widget (attrs, choices, format) as the Django class it is named after.
        plain = copy.deepcopy(widget)
        plain.__class__ = next(
            c for c in type(widget).__mro__ if c.__module__ == django_widgets.__name__
        )
        if hasattr(widget, "input_type"):
            plain.input_type = widget.input_type  # the form's TimeInput is type="time"
        field.widget = plain
        theirs = BoundField.as_field_group(form[name])
        field.widget = widget
        assert mine == theirs, name

"""The fast choice widgets write exactly what Django's own widget templates write."""

from __future__ import annotations

from datetime import date, time

import pytest
from django import forms

from sammanhang.core import widgets as fast

CHOICES = [
    ("", "Alla"),
    ("a", "Å & ö <b>"),
    ("b", 'Citat "så"'),
    (3, "Tre"),
]
GROUPED = [("Grupp <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]


@pytest.mark.parametrize(
    ("fast", "django_widget"),
    [
        (fast.Select, forms.Select),
        (fast.RadioSelect, forms.RadioSelect),
        (fast.CheckboxSelectMultiple, forms.CheckboxSelectMultiple),
    ],
)
@pytest.mark.parametrize("choices", [CHOICES, GROUPED, []])
@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"id": "id_f", "class": "chips", "aria-describedby": "id_f_hint", "disabled": True},
        {"id": "id_f", "data-x": 'a"b', "hidden": False},
    ],
)
@pytest.mark.parametrize("value", [None, "a", ["a", "3"], "y"])
def test_fast_widgets_render_what_django_renders(fast, django_widget, choices, attrs, value):
    mine = fast(choices=choices).render("f", value, attrs=dict(attrs))
    theirs = django_widget(choices=choices).render("f", value, attrs=dict(attrs))
    assert mine == theirs


@pytest.mark.parametrize(
    ("fast", "django_widget", "options"),
    [
        (fast.TextInput, forms.TextInput, {}),
        (fast.TextInput, forms.TextInput, {"attrs": {"inputmode": "numeric"}}),
        (fast.DateInput, forms.DateInput, {"attrs": {"type": "date"}}),
        (fast.TimeInput, forms.TimeInput, {"format": "%H:%M"}),
        (fast.CheckboxInput, forms.CheckboxInput, {}),
        (fast.HiddenInput, forms.HiddenInput, {}),
    ],
)
@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"id": "id_f", "class": "x", "aria-describedby": "id_f_hint", "required": True},
        {"id": "id_f", "data-x": 'a"b', "disabled": False},
    ],
)
@pytest.mark.parametrize(
    "value", [None, "", 'typed <b>"x"</b> & å', "on", True, False, date(2026, 12, 24), time(17)]
)
def test_fast_inputs_render_what_django_renders(fast, django_widget, options, attrs, value):
    mine = fast(**options).render("f", value, attrs=dict(attrs))
    theirs = django_widget(**options).render("f", value, attrs=dict(attrs))
    assert mine == theirs

"""The fast choice widgets write exactly what Django's own widget templates write."""

from __future__ import annotations

import pytest
from django import forms

from sammanhang.core.widgets import FastCheckboxSelectMultiple, FastRadioSelect, FastSelect

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
        (FastSelect, forms.Select),
        (FastRadioSelect, forms.RadioSelect),
        (FastCheckboxSelectMultiple, forms.CheckboxSelectMultiple),
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

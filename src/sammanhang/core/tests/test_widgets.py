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


def test_the_finder_form_renders_the_same_with_djangos_widgets(db):
    from sammanhang.directory.forms import FinderForm

    form = FinderForm({"when": "today", "sort": "name", "distance": "5", "weekday": ["2", "6"]})
    form.is_valid()
    for name, field in form.fields.items():
        widget = field.widget
        if not isinstance(widget, FastSelect | FastRadioSelect | FastCheckboxSelectMultiple):
            continue
        plain = {
            FastSelect: forms.Select,
            FastRadioSelect: forms.RadioSelect,
            FastCheckboxSelectMultiple: forms.CheckboxSelectMultiple,
        }[type(widget)](attrs=widget.attrs, choices=widget.choices)
        bound = form[name]
        attrs = bound.build_widget_attrs({"id": bound.auto_id})
        value = bound.value()
        assert widget.render(name, value, attrs) == plain.render(name, value, attrs), name

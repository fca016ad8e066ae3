"""The finder's form renders with the fast widgets exactly as with Django's own."""

from __future__ import annotations

from django import forms

from sammanhang.core.widgets import FastCheckboxSelectMultiple, FastRadioSelect, FastSelect
from sammanhang.directory.forms import FinderForm


def test_the_finder_form_renders_the_same_with_djangos_widgets(db):
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

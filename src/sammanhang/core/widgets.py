"""Widgets that render in Python, with Django's own markup.

Django renders every option through a template include. The finder's form has several hundred
options (municipalities, categories, target groups, features, languages), and rendering them
was the largest part of a finder request at national scale (about 35 of 75 ms). These widgets
write exactly what Django's templates write (``core/tests/test_widgets.py`` compares them), in
a small part of the time. The single inputs (text, date, time, checkbox, hidden) do the same
for the rest of the finder's form, which renders them on every search.

Each has the name of the Django widget it replaces, so a field's ``widget_type`` ("checkbox",
"select", …), which templates test, stays the same: use them as ``fast.Select`` after
``from sammanhang.core import widgets as fast``.
"""

from __future__ import annotations

from typing import Any

from django.forms import widgets
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> str:
    # django/forms/widgets/attrs.html
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    # django/forms/widgets/input.html
    value = (
        "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
    )
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>'


def _input_option(option: dict[str, Any]) -> str:
    # django/forms/widgets/input_option.html with input.html
    field = _input(option) + "\n"

    if not option.get("wrap_label"):
        return field + "\n"
    element_id = option["attrs"].get("id")
    label_for = f' for="{conditional_escape(element_id)}"' if element_id else ""
    return f"<label{label_for}>{field} {conditional_escape(option['label'])}</label>\n"


class Select(widgets.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                out.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")  # the form renderer strips the template's last newline
        return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)


class _FastMultipleInput:
    """django/forms/widgets/multiple_input.html for radio buttons and checkboxes."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        element_id = widget["attrs"].get("id")
        css = widget["attrs"].get("class")
        out = [
            "<div"
            + (f' id="{conditional_escape(element_id)}"' if element_id else "")
            + (f' class="{conditional_escape(css)}"' if css else "")
            + ">"
        ]
        for group, options, _index in widget["optgroups"]:
            if group:
                out.append(f"\n  <div><label>{conditional_escape(group)}</label>")
            for option in options:
                # radio_option.html / checkbox_option.html add their own last newline
                out.append(f"<div>\n    {_input_option(option)}\n</div>")
            if group:
                out.append("\n  </div>")
        out.append("\n</div>")  # the form renderer strips the template's last newline
        return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)


class RadioSelect(_FastMultipleInput, widgets.RadioSelect):
    pass


class CheckboxSelectMultiple(_FastMultipleInput, widgets.CheckboxSelectMultiple):
    pass


class _FastInput:
    """django/forms/widgets/input.html, for the widgets that use it alone."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        return mark_safe(_input(widget))  # noqa: S308 (every value is escaped)


class TextInput(_FastInput, widgets.TextInput):
    pass


class DateInput(_FastInput, widgets.DateInput):
    pass


class TimeInput(_FastInput, widgets.TimeInput):
    pass


class CheckboxInput(_FastInput, widgets.CheckboxInput):
    pass


class HiddenInput(_FastInput, widgets.HiddenInput):
    pass

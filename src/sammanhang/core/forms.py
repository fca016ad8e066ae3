"""Project-wide form rendering after the GOV.UK pattern.

Every field gets a visible label, an optional hint, an inline error tied to the input with
``aria-describedby``, and the page shows an error summary that takes focus (see
``templates/core/forms/``). Validation is server-side; fields keep what was typed because
views re-render the bound form.
"""

import hashlib
from typing import Any

from django.forms import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import SafeString
from django.utils.translation import get_language


class AccessibleFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class KeptMarkupBoundField(BoundField):
    """A bound field whose label, hint, error and input markup is kept, per process, for the
    same value, errors, choices and language, and reused.

    For a form rendered on every request whose fields are mostly empty or hold one of a few
    values (the finder's 26 filters, several hundred options): rendering them was a fifth of
    a finder page. The key holds everything the markup is made from, so a kept copy is always
    what rendering would give (``directory/tests/test_finder_choices.py`` compares them for
    the finder's form).
    """

    def as_field_group(self) -> SafeString:
        field = self.field
        choices = getattr(field, "choices", None)
        key = (
            type(self.form).__qualname__,
            self.name,
            type(field.widget),
            get_language(),
            self.form.is_bound,
            repr(self.value()),
            tuple(str(error) for error in self.errors),
            str(field.label),
            str(field.help_text),
            None if choices is None else _digest(choices),
        )
        html = _KEPT_MARKUP.get(key)
        if html is None:
            html = super().as_field_group()
            _KEPT_MARKUP[key] = html
            while len(_KEPT_MARKUP) > KEPT_MARKUP_MAX:
                try:
                    del _KEPT_MARKUP[next(iter(_KEPT_MARKUP))]
                except (KeyError, RuntimeError, StopIteration):  # another thread got there first
                    break
        return html


def _digest(choices: Any) -> bytes:
    # The choices by a digest of their values and labels, not kept whole: a few hundred
    # municipalities in every key of that field would weigh more than the markup itself.
    text = "\x1f".join(f"{value}\x1e{label}" for value, label in choices)
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


# Oldest first (dicts keep insertion order); bounded, since typed values make new keys.
KEPT_MARKUP_MAX = 5000
_KEPT_MARKUP: dict[tuple[Any, ...], SafeString] = {}

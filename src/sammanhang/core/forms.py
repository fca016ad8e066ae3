"""Project-wide form rendering after the GOV.UK pattern.

Every field gets a visible label, an optional hint, an inline error tied to the input with
``aria-describedby``, and the page shows an error summary that takes focus (see
``templates/core/forms/``). Validation is server-side; fields keep what was typed because
views re-render the bound form.
"""

from django.forms.renderers import TemplatesSetting


class AccessibleFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"

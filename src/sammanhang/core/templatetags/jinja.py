from __future__ import annotations

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context: template.Context, template_name: str, **values: Any) -> SafeString:
    """Render a fragment with the Jinja2 engine inside a Django template.

    ``{% jinja "directory/finder_results.html" activities=page %}``: the fragment sees only the
    values given (and ``request``); its output is escaped by Jinja2 itself, so it is safe here.
    """
    request = context.get("request")
    html = engines["jinja2"].get_template(template_name).render(values, request)
    return mark_safe(html)  # noqa: S308 - Jinja2 autoescapes (Django's backend turns it on)

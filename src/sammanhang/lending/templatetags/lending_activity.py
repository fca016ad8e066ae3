"""The activity page's "Borrow equipment" section, as a tag the directory's template loads.

``directory/activity_detail.html`` runs ``{% load lending_activity %}``: a template naming a
tag library is not a Python import, so the directory keeps to its layer (it never imports
lending; see the import-linter contracts in pyproject) while the page can show what the
Fritidsbanks lend. The data comes from ``lending.selectors_activity``.
"""

from __future__ import annotations

from typing import Any

from django import template

from sammanhang.directory.models import Activity
from sammanhang.lending.selectors_activity import equipment_to_borrow_for_activity

register = template.Library()


@register.inclusion_tag("lending/activity_equipment.html")
def activity_equipment_to_borrow(activity: Activity) -> dict[str, Any]:
    """The equipment ``activity`` needs, each with the banks that lend it and how many are
    available now; renders nothing when it needs none."""
    return {"needed": equipment_to_borrow_for_activity(activity)}

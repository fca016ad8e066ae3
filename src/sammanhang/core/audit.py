"""Readable names for audit actions.

Each app registers the actions its services record (``"membership.added"`` and so on), so the
change log can show staff "Access given" rather than a code.
"""

from __future__ import annotations

from django.utils.functional import Promise

_labels: dict[str, str | Promise] = {}


def register_action_labels(labels: dict[str, str | Promise]) -> None:
    _labels.update(labels)


def action_label(action: str) -> str | Promise:
    return _labels.get(action, action)

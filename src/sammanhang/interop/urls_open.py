"""Machine-readable addresses without a language prefix (catalogues, feeds for harvesters)."""

from __future__ import annotations

from django.urls import path  # noqa: F401

urlpatterns: list = []

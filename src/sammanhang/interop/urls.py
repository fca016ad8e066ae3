"""Pages and files in the visitor's language (Swedish unprefixed, English under /en/)."""

from __future__ import annotations

from django.urls import path  # noqa: F401

app_name = "interop"

urlpatterns: list = []

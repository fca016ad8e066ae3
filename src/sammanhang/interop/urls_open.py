"""Machine-readable addresses without a language prefix (catalogues, feeds for harvesters)."""

from __future__ import annotations

from django.urls import path

from sammanhang.interop import views

urlpatterns: list = [
    # Where Sveriges dataportal harvests the DCAT-AP-SE catalogue.
    path("datasets/dcat", views.dcat_catalogue, name="dcat"),
]

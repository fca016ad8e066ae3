"""Pages and files in the visitor's language (Swedish unprefixed, English under /en/)."""

from __future__ import annotations

from django.urls import path

from sammanhang.interop import views

app_name = "interop"

urlpatterns: list = [
    # A finder search's results as a file: the finder's own query string after the "?".
    path("aktiviteter/lista.csv", views.finder_csv, name="finder_csv"),
    path("aktiviteter/lista.xlsx", views.finder_xlsx, name="finder_xlsx"),
]

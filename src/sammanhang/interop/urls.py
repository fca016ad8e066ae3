"""Pages and files in the visitor's language (Swedish unprefixed, English under /en/)."""

from __future__ import annotations

from django.urls import path

from sammanhang.interop import views

app_name = "interop"

urlpatterns: list = [
    # Beside the pages they are feeds of, under the same Swedish paths.
    path("aktiviteter/kalender.ics", views.ical_finder, name="ical_finder"),
    path("aktiviteter/<slug:slug>/kalender.ics", views.ical_activity, name="ical_activity"),
    path("platser/<slug:slug>/kalender.ics", views.ical_place, name="ical_place"),
    path(
        "organisationer/<slug:slug>/kalender.ics",
        views.ical_organisation,
        name="ical_organisation",
    ),
    # A finder search's results as a file: the finder's own query string after the "?".
    path("aktiviteter/lista.csv", views.finder_csv, name="finder_csv"),
    path("aktiviteter/lista.xlsx", views.finder_xlsx, name="finder_xlsx"),
]

"""Reserving an article from home (no login), below /fritidsbanken/<org_slug>/reservera/."""

from django.urls import path

from sammanhang.lending import views_reserve

app_name = "lending_reserve"

urlpatterns = [
    path("fritidsbanken/<slug:org_slug>/reservera/", views_reserve.reserve, name="reserve"),
    path(
        "fritidsbanken/<slug:org_slug>/reservera/kod/",
        views_reserve.reserve_confirm,
        name="reserve_confirm",
    ),
    path(
        "fritidsbanken/<slug:org_slug>/reservera/klar/",
        views_reserve.reserve_done,
        name="reserve_done",
    ),
]

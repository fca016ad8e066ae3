"""The public pages of the Fritidsbanks (no login): the list of banks, the national
statistics, each bank's page and reserving there from home.

Other apps link here by name: ``lending:bank_list``, ``lending:national``, ``lending:bank``
and ``lending:reserve`` (the last two with the bank's organisation slug). The fixed path
``fritidsbanken/statistik/`` comes before ``fritidsbanken/<org_slug>/``, so it is never taken
for a bank's slug.
"""

from django.urls import path

from sammanhang.lending import views_public, views_reserve, views_stats

app_name = "lending"

urlpatterns = [
    path("fritidsbanken/", views_public.bank_list, name="bank_list"),
    path("fritidsbanken/statistik/", views_stats.national, name="national"),
    path("fritidsbanken/<slug:org_slug>/", views_public.bank, name="bank"),
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

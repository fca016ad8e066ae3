"""National Fritidsbanken statistics, public: all banks together and each bank's totals.

Included in ``sammanhang.urls`` before the public bank pages (``fritidsbanken/<org_slug>/``),
so the fixed path ``fritidsbanken/statistik/`` is never taken for a bank's slug.
"""

from django.urls import path

from sammanhang.lending import views_stats

app_name = "lending_stats"

urlpatterns = [
    path("fritidsbanken/statistik/", views_stats.national, name="national"),
]

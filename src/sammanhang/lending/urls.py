"""The public pages of the Fritidsbanks (no login): the list of banks and each bank's page.

Other apps link here by name: ``lending:bank_list`` and ``lending:bank`` (with the bank's
organisation slug).
"""

from django.urls import path

from sammanhang.lending import views_public

app_name = "lending"

urlpatterns = [
    path("fritidsbanken/", views_public.bank_list, name="bank_list"),
    path("fritidsbanken/<slug:org_slug>/", views_public.bank, name="bank"),
]

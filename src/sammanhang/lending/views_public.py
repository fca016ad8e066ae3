"""The public pages of the Fritidsbanks: the list of banks and each bank's page with its
opening hours, how to donate, the rules and the inventory with live availability.

Thin: ``selectors`` read, the template shows. The inventory filter is a GET form that works
without JavaScript; an unknown category answers 400 with the error on the field.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sammanhang.directory.selectors import place_opening_days
from sammanhang.lending import selectors
from sammanhang.lending.forms import InventoryFilterForm

# The bank page shows the opening hours of this many days from today.
OPENING_DAYS_SHOWN = 7


def bank_list(request: HttpRequest) -> HttpResponse:
    return render(request, "lending/public/bank_list.html", {"banks": selectors.bank_list_public()})


def bank(request: HttpRequest, org_slug: str) -> HttpResponse:
    found = selectors.bank_public_by_slug(org_slug)
    if found is None:
        raise Http404
    category = request.GET.get("category", "").strip()
    available_only = request.GET.get("available", "") not in ("", "0", "false")
    inventory = selectors.bank_inventory(
        bank=found, category=category, available_only=available_only
    )
    selectors.bank_inventory_photos(bank=found, inventory=inventory)
    form = InventoryFilterForm(
        request.GET or None, categories=inventory.category_choices, auto_id="filter-%s"
    )
    status = 400 if form.is_bound and not form.is_valid() else 200
    days = place_opening_days(found.place, days=OPENING_DAYS_SHOWN)
    return render(
        request,
        "lending/public/bank.html",
        {
            "bank": found,
            "organisation": found.organisation,
            "place": found.place,
            "opening_days": days,
            "next_open": selectors.bank_next_open(days),
            "inventory": inventory,
            "form": form,
            "filtered": bool(category or available_only),
        },
        status=status,
    )

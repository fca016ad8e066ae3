from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.static import serve

from sammanhang.accounts.selectors import organisations_public_listing
from sammanhang.core.retention import registered_rules

# The date this accessibility statement was last reviewed against the site (Digg requires it).
STATEMENT_REVIEWED = datetime.date(2026, 11, 23)
STATEMENT_PUBLISHED = datetime.date(2026, 11, 23)


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded pictures, for installations without a web server in front that serves them.

    Uploads are re-encoded pictures (see ``core.images``), never user HTML or SVG, so serving
    them from our own origin is safe; ``serve`` refuses paths outside ``MEDIA_ROOT``.
    """
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["Cache-Control"] = "public, max-age=86400"
    return response


# More publishing organisations than this are counted on the home page, not listed.
HOME_ORGANISATIONS = 40


def home(request: HttpRequest) -> HttpResponse:
    organisations, total = organisations_public_listing(HOME_ORGANISATIONS)
    return render(
        request, "web/home.html", {"organisations": organisations, "organisations_total": total}
    )


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/accessibility.html",
        {
            "contact_email": settings.SAMMANHANG_CONTACT_EMAIL,
            "contact_phone": settings.SAMMANHANG_CONTACT_PHONE,
            "reviewed": STATEMENT_REVIEWED,
            "published": STATEMENT_PUBLISHED,
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/privacy.html",
        {"rules": registered_rules(), "contact_email": settings.SAMMANHANG_CONTACT_EMAIL},
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"status": 400}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"status": 403}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"status": 404}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/error.html", {"status": 500}, status=500)

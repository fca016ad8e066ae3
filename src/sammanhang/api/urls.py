"""The API's URLs, outside the language prefixes: a client picks the language per request."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils import translation

from sammanhang.api.api import _language, api, not_found_text


def not_found(request: HttpRequest) -> JsonResponse:
    """Any other address under /api/ answers in JSON too, not with the HTML error page."""
    translation.activate(_language(request))
    return JsonResponse({"detail": not_found_text(), "errors": {}}, status=404)


urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/", not_found),
]

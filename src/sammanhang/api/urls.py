"""The API's URLs, outside the language prefixes: a client picks the language per request."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils import translation

from sammanhang.api import hsds
from sammanhang.api.api import _language, api, not_found_text


def not_found(request: HttpRequest) -> JsonResponse:
    """Any other address under /api/ answers in JSON too, not with the HTML error page."""
    translation.activate(_language(request))
    return JsonResponse({"detail": not_found_text(), "errors": {}}, status=404)


# The HSDS paths are the specification's, without a trailing slash.
hsds_urls = [
    path("api/hsds", hsds.index),
    path("api/hsds/", hsds.index, name="hsds-index"),
    path("api/hsds/openapi.json", hsds.openapi, name="hsds-openapi"),
    path("api/hsds/profile", hsds.profile, name="hsds-profile"),
    path("api/hsds/services", hsds.service_list, name="hsds-services"),
    path("api/hsds/services/<str:service_id>", hsds.service_detail, name="hsds-service"),
    path("api/hsds/organizations", hsds.organization_list, name="hsds-organizations"),
    path(
        "api/hsds/organizations/<str:organization_id>",
        hsds.organization_detail,
        name="hsds-organization",
    ),
    path(
        "api/hsds/service_at_locations",
        hsds.service_at_location_list,
        name="hsds-service-at-locations",
    ),
    path(
        "api/hsds/service_at_locations/<str:link_id>",
        hsds.service_at_location_detail,
        name="hsds-service-at-location",
    ),
    path("api/hsds/taxonomies", hsds.taxonomy_list, name="hsds-taxonomies"),
    path("api/hsds/taxonomies/<str:taxonomy_id>", hsds.taxonomy_detail, name="hsds-taxonomy"),
    path("api/hsds/taxonomy_terms", hsds.taxonomy_term_list, name="hsds-taxonomy-terms"),
    path(
        "api/hsds/taxonomy_terms/<str:term_id>",
        hsds.taxonomy_term_detail,
        name="hsds-taxonomy-term",
    ),
]

urlpatterns = [
    path("api/v1/", api.urls),
    *hsds_urls,
    re_path(r"^api/", not_found),
]

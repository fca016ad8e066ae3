"""PLACEHOLDER from branch i6-finder, to be dropped at merge: the public bank pages (branch
i6-pub) own this file. Only the name ``lending:bank`` is needed here, for the activity
page's links to a bank."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

app_name = "lending"


def bank(request: HttpRequest, org_slug: str) -> HttpResponse:
    return HttpResponse(org_slug, content_type="text/plain; charset=utf-8")


urlpatterns = [path("fritidsbanken/<slug:org_slug>/", bank, name="bank")]

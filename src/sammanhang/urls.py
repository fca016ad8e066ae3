import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from sammanhang.web.views import media

# Swedish pages have no prefix, English ones live under /en/: the URL alone decides the
# language, so a shared link shows what the sender saw.
urlpatterns = i18n_patterns(
    path("", include("sammanhang.web.urls")),
    path("", include("sammanhang.directory.urls")),
    path("", include("sammanhang.lending.urls")),
    path("", include("sammanhang.accounts.urls")),
    path("hantera/<slug:org_slug>/", include("sammanhang.directory.urls_staff")),
    path("hantera/<slug:org_slug>/utlan/", include("sammanhang.lending.urls_staff")),
    path("", include("sammanhang.interop.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
# The JSON API has no language prefix: a client chooses with ?lang= or Accept-Language.
urlpatterns += [
    path("", include("sammanhang.interop.urls_open")),
    path("", include("sammanhang.api.urls")),
]

if settings.SERVE_MEDIA:
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", media)]

handler400 = "sammanhang.web.views.bad_request"
handler403 = "sammanhang.web.views.permission_denied"
handler404 = "sammanhang.web.views.page_not_found"
handler500 = "sammanhang.web.views.server_error"

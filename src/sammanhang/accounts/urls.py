from django.contrib.auth import views as auth_views
from django.urls import path

from sammanhang.accounts import views

app_name = "accounts"

# Every staff URL below /hantera/ is listed in tests/test_access.py; a new one fails that
# test until its access rule is tested.
urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("hantera/", views.dashboard, name="dashboard"),
    path("hantera/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("hantera/<slug:slug>/medlemmar/", views.organisation_members, name="organisation_members"),
    path(
        "hantera/<slug:slug>/medlemmar/<uuid:membership_uuid>/",
        views.membership_edit,
        name="membership_edit",
    ),
    path(
        "hantera/<slug:slug>/medlemmar/<uuid:membership_uuid>/ta-bort/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("hantera/<slug:slug>/logg/", views.organisation_audit, name="organisation_audit"),
]

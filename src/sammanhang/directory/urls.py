from django.urls import path

from sammanhang.directory import views

app_name = "directory"

urlpatterns = [
    path("aktiviteter/", views.finder, name="finder"),
    # Before the detail route, or "utskrift" would be taken for an activity's slug.
    path("aktiviteter/utskrift/", views.finder_print, name="finder_print"),
    path("aktiviteter/<slug:slug>/", views.activity_detail, name="activity"),
    path("platser/<slug:slug>/", views.place_detail, name="place"),
    path("organisationer/<slug:slug>/", views.organisation_detail, name="organisation"),
]

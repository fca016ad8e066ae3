from django.urls import path

from sammanhang.directory import views

app_name = "directory"

urlpatterns = [
    path("aktiviteter/", views.finder, name="finder"),
    path("aktiviteter/<slug:slug>/", views.activity_detail, name="activity"),
    path("platser/<slug:slug>/", views.place_detail, name="place"),
    path("organisationer/<slug:slug>/", views.organisation_detail, name="organisation"),
]

"""Provider pages, included below /hantera/<org_slug>/ (next to the accounts app's pages).

Every URL here is listed in ``tests/test_staff_access.py``; a new one fails that test until
its access rule is tested.
"""

from django.urls import path

from sammanhang.directory import views_staff as views

app_name = "directory_staff"

urlpatterns = [
    path("aktiviteter/", views.activity_list, name="activity_list"),
    path("aktiviteter/ny/", views.activity_create, name="activity_create"),
    path("aktiviteter/<uuid:uuid>/", views.activity_detail, name="activity_detail"),
    path("aktiviteter/<uuid:uuid>/andra/", views.activity_edit, name="activity_edit"),
    path(
        "aktiviteter/<uuid:uuid>/status/<slug:action>/",
        views.activity_status,
        name="activity_status",
    ),
    path("aktiviteter/<uuid:uuid>/schema/ny/", views.schedule_create, name="schedule_create"),
    path(
        "aktiviteter/<uuid:uuid>/schema/<int:schedule_id>/",
        views.schedule_edit,
        name="schedule_edit",
    ),
    path(
        "aktiviteter/<uuid:uuid>/schema/<int:schedule_id>/ta-bort/",
        views.schedule_delete,
        name="schedule_delete",
    ),
    path(
        "aktiviteter/<uuid:uuid>/schema/<int:schedule_id>/extra-datum/",
        views.extra_date_add,
        name="extra_date_add",
    ),
    path(
        "aktiviteter/<uuid:uuid>/schema/<int:schedule_id>/<str:day>/stall-in/",
        views.occurrence_cancel,
        name="occurrence_cancel",
    ),
    path(
        "aktiviteter/<uuid:uuid>/undantag/<int:exception_id>/ta-bort/",
        views.exception_remove,
        name="exception_remove",
    ),
    path("platser/", views.place_list, name="place_list"),
    path("platser/ny/", views.place_create, name="place_create"),
    path("platser/<uuid:uuid>/", views.place_detail, name="place_detail"),
    path("platser/<uuid:uuid>/andra/", views.place_edit, name="place_edit"),
    path(
        "platser/<uuid:uuid>/oppettider/",
        views.place_child_list,
        {"page": "place_hours"},
        name="place_hours",
    ),
    path(
        "platser/<uuid:uuid>/oppettider/<int:row>/ta-bort/",
        views.place_child_remove,
        {"page": "place_hours"},
        name="place_hours_remove",
    ),
    path(
        "platser/<uuid:uuid>/stangda-dagar/",
        views.place_child_list,
        {"page": "place_closures"},
        name="place_closures",
    ),
    path(
        "platser/<uuid:uuid>/stangda-dagar/<int:row>/ta-bort/",
        views.place_child_remove,
        {"page": "place_closures"},
        name="place_closure_remove",
    ),
    path(
        "platser/<uuid:uuid>/bilder/",
        views.place_child_list,
        {"page": "place_photos"},
        name="place_photos",
    ),
    path(
        "platser/<uuid:uuid>/bilder/<uuid:row>/ta-bort/",
        views.place_child_remove,
        {"page": "place_photos"},
        name="place_photo_remove",
    ),
    path("logotyp/", views.organisation_logo, name="organisation_logo"),
]

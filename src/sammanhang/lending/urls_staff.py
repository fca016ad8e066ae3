"""The lending desk of a Fritidsbank, included below /hantera/<org_slug>/utlan/.

Every view takes the bank through ``lending.access``; all need the desk (editor) role except
the statistics and their downloads, which need viewer, and the settings and branches, which
need admin. ``starta/`` is the exception: it makes an organisation a bank, so it takes the
organisation (admin role) through ``accounts.access`` and works before there is a bank.
"""

from django.urls import path

from sammanhang.lending import views, views_settings, views_stats

app_name = "lending_staff"

urlpatterns = [
    path("starta/", views_settings.bank_start, name="bank_start"),
    path("installningar/", views_settings.bank_settings, name="settings"),
    path("installningar/filialer/ny/", views_settings.branch_add, name="branch_add"),
    path("installningar/filialer/<int:branch_id>/", views_settings.branch_edit, name="branch_edit"),
    path(
        "installningar/filialer/<int:branch_id>/ta-bort/",
        views_settings.branch_remove,
        name="branch_remove",
    ),
    path("", views.desk_start, name="desk_start"),
    path("lantagare/<int:borrower_id>/besok/<uuid:visit>/", views.visit, name="visit"),
    path(
        "lantagare/<int:borrower_id>/besok/<uuid:visit>/angra/<int:loan_id>/",
        views.loan_undo,
        name="loan_undo",
    ),
    path(
        "lantagare/<int:borrower_id>/besok/<uuid:visit>/forlang/<int:loan_id>/",
        views.loan_renew,
        name="loan_renew",
    ),
    path(
        "lantagare/<int:borrower_id>/besok/<uuid:visit>/reservera/",
        views.visit_hold_place,
        name="visit_hold_place",
    ),
    path(
        "lantagare/<int:borrower_id>/besok/<uuid:visit>/reservationer/<int:hold_id>/avboka/",
        views.visit_hold_cancel,
        name="visit_hold_cancel",
    ),
    path("lantagare/<int:borrower_id>/besok/<uuid:visit>/kvitto/", views.receipt, name="receipt"),
    path(
        "lantagare/<int:borrower_id>/besok/<uuid:visit>/kvitto/sms/",
        views.receipt_sms,
        name="receipt_sms",
    ),
    path(
        "lantagare/<int:borrower_id>/besok/<uuid:visit>/kvitto/epost/",
        views.receipt_email,
        name="receipt_email",
    ),
    path("aterlamning/", views.loan_return, name="loan_return"),
    path("gava/", views.donation_register, name="donation_register"),
    path("gava/bortsorterat/", views.donation_sorted_out, name="donation_sorted_out"),
    path("artikeltyp/ny/", views.article_type_new, name="article_type_new"),
    path("artiklar/", views.article_list, name="article_list"),
    path("artiklar/<int:article_id>/", views.article_detail, name="article_detail"),
    path("artiklar/<int:article_id>/bilder/", views.article_photo_add, name="article_photo_add"),
    path(
        "artiklar/<int:article_id>/bilder/<int:photo_id>/ta-bort/",
        views.article_photo_remove,
        name="article_photo_remove",
    ),
    path("etiketter/", views.labels, name="labels"),
    path("reservationer/", views.holds, name="holds"),
    path("reservationer/<int:hold_id>/avboka/", views.hold_cancel, name="hold_cancel"),
    path("besokare/", views_stats.visitor_add, name="visitor_add"),
    path("besokare/angra/", views_stats.visitor_undo, name="visitor_undo"),
    path("statistik/", views_stats.bank_stats, name="stats"),
    path("statistik/statistik.csv", views_stats.bank_stats_csv, name="stats_csv"),
    path("statistik/inventering.csv", views_stats.inventory_csv, name="inventory_csv"),
]

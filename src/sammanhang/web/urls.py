from django.urls import path

from sammanhang.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("tillganglighet/", views.accessibility_statement, name="accessibility"),
    path("personuppgifter/", views.privacy, name="privacy"),
]

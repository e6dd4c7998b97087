from django.urls import path

from coopgov.organisation import views

app_name = "organisation"

urlpatterns = [
    path("", views.overview, name="overview"),
]

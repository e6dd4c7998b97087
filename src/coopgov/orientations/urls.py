from django.urls import path

from coopgov.orientations import views

app_name = "orientations"

urlpatterns = [
    path("", views.index, name="index"),
    path("proposals/<int:pk>/", views.proposal_view, name="proposal"),
    path("<str:code>/", views.unit_view, name="unit"),
    path("<str:code>/roll-up/", views.roll_up, name="roll_up"),
    path("<str:code>/duplicates/", views.duplicates, name="duplicates"),
    path("<str:code>/duplicates/merge/", views.merge, name="merge"),
]

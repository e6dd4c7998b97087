from django.urls import path

from coopgov.organisation import views

app_name = "organisation"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("communities/", views.community_list, name="communities"),
    path("communities/<str:code>/", views.community_detail, name="community"),
    path("communities/<str:code>/join/", views.community_join, name="community_join"),
    path("communities/<str:code>/leave/", views.community_leave, name="community_leave"),
    path(
        "communities/<str:code>/members/<int:membership_id>/remove/",
        views.community_remove,
        name="community_remove",
    ),
]

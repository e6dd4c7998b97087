from django.urls import URLPattern, URLResolver, path

from coopgov.followup import views

app_name = "followup"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.cycle_list, name="cycles"),
    path("dashboards/", views.dashboard_index, name="dashboards"),
    path("dashboards/<str:code>/", views.dashboard, name="dashboard"),
    path("dashboards/<str:code>/refresh/", views.dashboard_refresh, name="dashboard_refresh"),
    path("<slug:slug>/", views.cycle_detail, name="cycle"),
    path("<slug:slug>/new/", views.recommendation_new, name="recommendation_new"),
    path("<slug:slug>/<int:number>/", views.recommendation_detail, name="recommendation"),
    path("<slug:slug>/<int:number>/answer/", views.recommendation_answer, name="answer"),
    path("<slug:slug>/<int:number>/follow/", views.recommendation_follow, name="follow"),
    path("<slug:slug>/<int:number>/unfollow/", views.recommendation_unfollow, name="unfollow"),
]

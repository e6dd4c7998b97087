from django.urls import URLPattern, URLResolver, path

from coopgov.followup import views, views_manage

app_name = "followup"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.cycle_list, name="cycles"),
    path("dashboards/", views.dashboard_index, name="dashboards"),
    path("dashboards/<str:code>/", views.dashboard, name="dashboard"),
    path("dashboards/<str:code>/refresh/", views.dashboard_refresh, name="dashboard_refresh"),
    # Running a cycle (ADR 0021); "manage" is never a cycle's short name (services.RESERVED_SLUGS).
    path("manage/new/", views_manage.cycle_new, name="cycle_new"),
    path("<slug:slug>/manage/", views_manage.cycle_manage, name="manage"),
    path("<slug:slug>/manage/themes/", views_manage.theme_add, name="theme_add"),
    path("<slug:slug>/manage/groups/", views_manage.group_add, name="group_add"),
    path("<slug:slug>/manage/draft/", views_manage.draft_new, name="draft_new"),
    path("<slug:slug>/<int:number>/open/", views_manage.open_for_comment, name="open_for_comment"),
    path("<slug:slug>/<int:number>/hand-in/", views_manage.hand_in, name="hand_in"),
    path("<slug:slug>/<int:number>/comment/", views_manage.comment_add, name="comment"),
    path("<slug:slug>/<int:number>/comments/<int:pk>/hide/", views_manage.comment_hide, name="comment_hide"),
    path("<slug:slug>/", views.cycle_detail, name="cycle"),
    path("<slug:slug>/new/", views.recommendation_new, name="recommendation_new"),
    path("<slug:slug>/<int:number>/", views.recommendation_detail, name="recommendation"),
    path("<slug:slug>/<int:number>/answer/", views.recommendation_answer, name="answer"),
    path("<slug:slug>/<int:number>/follow/", views.recommendation_follow, name="follow"),
    path("<slug:slug>/<int:number>/unfollow/", views.recommendation_unfollow, name="unfollow"),
]

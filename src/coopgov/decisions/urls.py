from django.urls import path

from coopgov.decisions import views

app_name = "decisions"

urlpatterns = [
    path("", views.assembly_list, name="list"),
    path("<int:pk>/", views.assembly_detail, name="detail"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/items/<int:item_pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/items/<int:item_pk>/result/", views.result, name="result"),
    path("<int:pk>/proxy/", views.proxy_give, name="proxy_give"),
    path("<int:pk>/proxy/<int:proxy_pk>/revoke/", views.proxy_revoke, name="proxy_revoke"),
    path("<int:pk>/sites/<int:site_pk>/room/", views.room, name="room"),
    path("<int:pk>/postal/", views.postal, name="postal"),
    path("<int:pk>/electorate/", views.electorate, name="electorate"),
]

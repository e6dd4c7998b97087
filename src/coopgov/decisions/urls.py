from django.urls import path

from coopgov.decisions import room_views, views, views_manage

app_name = "decisions"

urlpatterns = [
    path("", views.assembly_list, name="list"),
    path("<int:pk>/", views.assembly_detail, name="detail"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/items/<int:item_pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/items/<int:item_pk>/result/", views.result, name="result"),
    path("<int:pk>/proxy/", views.proxy_give, name="proxy_give"),
    path("<int:pk>/proxy/<int:proxy_pk>/revoke/", views.proxy_revoke, name="proxy_revoke"),
    path("<int:pk>/sites/<int:site_pk>/room/", room_views.room_page, name="room"),
    path("<int:pk>/delegate-to-relay/", room_views.delegate_to_relay, name="delegate_to_relay"),
    path("<int:pk>/delegates/", room_views.delegates, name="delegates"),
    path("<int:pk>/postal/", views.postal, name="postal"),
    path("<int:pk>/electorate/", views.electorate, name="electorate"),
    # Staff and board prepare and run an assembly (views_manage.py).
    path("new/", views_manage.assembly_new, name="manage_new"),
    path("new/<str:code>/", views_manage.assembly_create, name="manage_create"),
    path("<int:pk>/prepare/", views_manage.prepare, name="manage_prepare"),
    path("<int:pk>/prepare/convocation/", views_manage.assembly_edit, name="manage_edit"),
    path("<int:pk>/prepare/items/", views_manage.item_add, name="manage_item_add"),
    path("<int:pk>/prepare/items/<int:item_pk>/remove/", views_manage.item_remove, name="manage_item_remove"),
    path("<int:pk>/prepare/sites/", views_manage.site_add, name="manage_site_add"),
    path("<int:pk>/prepare/documents/", views_manage.document_add, name="manage_document_add"),
    path("<int:pk>/prepare/links/", views_manage.link_add, name="manage_link_add"),
    path(
        "<int:pk>/prepare/documents/<str:name>/remove/",
        views_manage.document_remove,
        name="manage_document_remove",
    ),
    path("<int:pk>/prepare/links/<int:link_pk>/remove/", views_manage.link_remove, name="manage_link_remove"),
    path("<int:pk>/prepare/act/", views_manage.act, name="manage_act"),
    path("presets/<str:code>/", views_manage.presets_page, name="manage_presets"),
    path("presets/<str:code>/<slug:key>/", views_manage.preset_edit, name="manage_preset_edit"),
    path("presets/<str:code>/<slug:key>/retire/", views_manage.preset_retire, name="manage_preset_retire"),
    path("<int:pk>/documents/<str:name>", views_manage.document, name="document"),
    path("<int:pk>/items/<int:item_pk>/ballots.json", views_manage.ballot_file, name="ballot_file"),
    path("<int:pk>/minutes/", views_manage.minutes_page, name="minutes"),
    path("<int:pk>/minutes.odt", views_manage.minutes_odt, name="minutes_odt"),
]

from django.urls import URLPattern, URLResolver, path

from coopgov.conversations import views

app_name = "conversations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.conversation_list, name="list"),
    path("new/<str:code>/", views.conversation_new, name="new"),
    path("<slug:slug>/", views.conversation_detail, name="detail"),
    path("<slug:slug>/react/", views.react, name="react"),
    path("<slug:slug>/statements/", views.statement_submit, name="submit"),
    path("<slug:slug>/close/", views.conversation_close, name="close"),
    path("<slug:slug>/export/", views.conversation_export, name="export"),
    path("<slug:slug>/map/", views.conversation_map, name="map"),
    path("<slug:slug>/map/refresh/", views.map_refresh, name="map_refresh"),
    path("<slug:slug>/moderate/", views.moderation, name="moderate"),
    path("<slug:slug>/moderate/<int:pk>/", views.moderate, name="moderate_statement"),
    path("<slug:slug>/seed/", views.seed, name="seed"),
]

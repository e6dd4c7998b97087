from django.urls import URLPattern, URLResolver, path

from coopgov.panels import views

app_name = "panels"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.draw_list, name="draws"),
    path("new/<str:code>/", views.draw_new, name="new"),
    path("<int:pk>/", views.draw_detail, name="draw"),
    path("<int:pk>/answer/", views.draw_respond, name="respond"),
]

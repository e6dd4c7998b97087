from django.urls import path

from coopgov.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("process/<int:process_pk>/", views.process_meetings, name="process"),
    path("process/<int:process_pk>/new/", views.meeting_create, name="create"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/contribute/", views.contribute, name="contribute"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("cancel/<uuid:token>/", views.cancel, name="cancel"),
]

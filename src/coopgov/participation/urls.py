from django.urls import path

from coopgov.participation import views

app_name = "participation"

urlpatterns = [
    path("", views.process_list, name="list"),
    path("new/", views.process_create, name="process_create"),
    path("<int:pk>/", views.process_detail, name="process_short"),
    path("<int:pk>/<slug:slug>/", views.process_detail, name="process"),
    path("<int:pk>/phase/switch/", views.process_phase, name="process_phase"),
    path("<int:pk>/phase/calendar/", views.process_calendar, name="process_calendar"),
    path("<int:pk>/audience/set/", views.process_audience, name="process_audience"),
    path("<int:pk>/propose/new/", views.proposal_create, name="propose"),
    path("<int:pk>/moderation/queue/", views.moderation, name="moderation"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/support/", views.support, name="support"),
    path("proposals/<int:pk>/comment/", views.comment_add, name="comment"),
    path("proposals/<int:pk>/amend/", views.amendment_add, name="amend"),
    path("proposals/<int:pk>/attach/", views.attachment_add, name="attach"),
    path("amendments/<int:pk>/decide/", views.amendment_decide, name="amendment_decide"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("follow/<str:kind>/<int:pk>/", views.follow, name="follow"),
    path("report/<str:kind>/<int:pk>/", views.report, name="report"),
    path("moderate/<str:kind>/<int:pk>/", views.moderate, name="moderate"),
    path("translate/<str:kind>/<int:pk>/", views.translate, name="translate"),
]

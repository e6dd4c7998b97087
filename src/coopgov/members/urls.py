from django.urls import path

from coopgov.members import views, views_apply

app_name = "members"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.my_page, name="me"),
    path("register/<str:code>/", views.register_list, name="register"),
    path("register/<str:code>/admissions/", views.admission_queue, name="admissions"),
    path("join/", views_apply.join_index, name="join_index"),
    path("join/<str:code>/", views_apply.join, name="join"),
    path("join/<str:code>/sent/", views_apply.join_sent, name="join_sent"),
    path("register/<str:code>/admissions/new/", views_apply.candidate_new, name="candidate_new"),
    path("register/<str:code>/admissions/<int:number>/", views.admission_decide, name="admission_decide"),
    path("register/<str:code>/policy/", views.policy_edit, name="policy"),
    path("register/<str:code>/policy/simulate/", views.policy_simulate, name="simulate"),
    path("register/<str:code>/<int:number>/", views.member_ledger, name="ledger"),
]
